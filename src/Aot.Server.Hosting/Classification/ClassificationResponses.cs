using System.Buffers;
using System.Text.Json;

namespace Aot.Server.Classification;

/// <summary>
/// Writes TEI's classification answers from the logits: <c>/predict</c>'s <c>[{"label","score"}]</c> per row (a list
/// of lists for a batch), <c>/rerank</c>'s <c>[{"index","score"(,"text")}]</c>, and <c>/info</c>.
/// </summary>
internal static class ClassificationResponses
{
    /// <summary>
    /// Per row, every label with its softmax probability (or its logit with <c>raw_scores</c>), highest first; a one-label
    /// model (a cross-encoder) gets the sigmoid of its logit, as on TEI (a softmax over one label is always 1).
    /// </summary>
    public static void WritePredict(Utf8JsonWriter json, PredictRequest request, float[] logits, string[] labels)
    {
        int count = labels.Length;
        Span<float> scores = count <= 256 ? stackalloc float[count] : new float[count];
        Span<int> order = count <= 256 ? stackalloc int[count] : new int[count];
        if (request.IsBatch)
            json.WriteStartArray();
        for (int r = 0; r < request.Rows.Count; r++)
        {
            ReadOnlySpan<float> row = logits.AsSpan(r * count, count);
            if (request.RawScores)
                row.CopyTo(scores);
            else if (count == 1)
                scores[0] = Sigmoid(row[0]);
            else
                Softmax(row, scores);
            for (int i = 0; i < count; i++)
                order[i] = i;
            // Highest first; equal scores keep label order.
            float[] keys = scores.ToArray();
            order.Sort((a, b) => keys[b].CompareTo(keys[a]) is var c && c != 0 ? c : a.CompareTo(b));
            json.WriteStartArray();
            foreach (int label in order)
            {
                json.WriteStartObject();
                json.WriteNumber("score", scores[label]);
                json.WriteString("label", labels[label]);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        if (request.IsBatch)
            json.WriteEndArray();
    }

    /// <summary>
    /// Each text's relevance to the query, most relevant first. The score is TEI's: the sigmoid of the logit for a
    /// one-label model (a cross-encoder), else the softmax probability of the last label (by convention "relevant");
    /// with <c>raw_scores</c> the logit itself (the last label's).
    /// </summary>
    public static void WriteRerank(Utf8JsonWriter json, RerankRequest request, float[] logits, int labels)
    {
        int rows = request.Texts.Count;
        float[] scores = new float[rows];
        Span<float> probabilities = labels <= 256 ? stackalloc float[labels] : new float[labels];
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = logits.AsSpan(r * labels, labels);
            if (request.RawScores)
            {
                scores[r] = row[^1];
            }
            else if (labels == 1)
            {
                scores[r] = Sigmoid(row[0]);
            }
            else
            {
                Softmax(row, probabilities);
                scores[r] = probabilities[^1];
            }
        }

        int[] order = [.. Enumerable.Range(0, rows)];
        Array.Sort(order, (a, b) => scores[b].CompareTo(scores[a]) is var c && c != 0 ? c : a.CompareTo(b));
        json.WriteStartArray();
        foreach (int index in order)
        {
            json.WriteStartObject();
            json.WriteNumber("index", index);
            if (request.ReturnText)
                json.WriteString("text", request.Texts[index]);
            json.WriteNumber("score", scores[index]);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>TEI's <c>/info</c> for a classifier: <c>model_type: {"classifier": {"id2label": {...}}}</c>.</summary>
    public static ArrayBufferWriter<byte> WriteInfo(ClassifierEndpoint endpoint, IEnumerable<string> models)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using Utf8JsonWriter json = Embeddings.EmbeddingInfo.Start(buffer, endpoint.Served.Name);
        json.WriteStartObject("classifier");
        json.WriteStartObject("id2label");
        for (int i = 0; i < endpoint.Labels.Length; i++)
            json.WriteString(i.ToString(System.Globalization.CultureInfo.InvariantCulture), endpoint.Labels[i]);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteNumber("max_concurrent_requests", endpoint.Served.Batcher.Options.MaxQueue);
        json.WriteNumber("max_input_length", endpoint.MaxSequenceLength);
        json.WriteNumber("max_batch_requests", endpoint.Served.Batcher.Options.MaxBatchRows);
        json.WriteNumber("max_client_batch_size", endpoint.Source.Service.MaxClientBatchSize);
        json.WriteBoolean("auto_truncate", endpoint.Source.Service.AutoTruncate);
        json.WriteString("device", endpoint.ComputeType);
        json.WriteStartArray("models");
        foreach (string name in models)
            json.WriteStringValue(name);
        json.WriteEndArray();
        json.WriteString("version", typeof(ClassificationResponses).Assembly.GetName().Version?.ToString() ?? "0");
        json.WriteEndObject();
        json.Flush();
        return buffer;
    }

    /// <summary>Numerically stable softmax (the maximum is subtracted first).</summary>
    private static void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        float max = float.NegativeInfinity;
        foreach (float logit in logits)
            max = Math.Max(max, logit);
        float sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            probabilities[i] = MathF.Exp(logits[i] - max);
            sum += probabilities[i];
        }

        for (int i = 0; i < logits.Length; i++)
            probabilities[i] /= sum;
    }

    private static float Sigmoid(float logit) => 1f / (1f + MathF.Exp(-logit));
}
