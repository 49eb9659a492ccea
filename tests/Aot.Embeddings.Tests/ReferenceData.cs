using System.Text.Json;

namespace Aot.Embeddings.Tests;

/// <summary>One model's reference file (see tests/Aot.Embeddings.Reference and docs/embeddings.md).</summary>
internal sealed record ReferenceData(string Model, string Pooling, int MaxTokens, int HiddenSize, IReadOnlyList<ReferenceSentence> Sentences)
{
    private static readonly Dictionary<string, ReferenceData> s_loaded = [];

    public static ReferenceData Load(string model)
    {
        lock (s_loaded)
        {
            if (s_loaded.TryGetValue(model, out ReferenceData? cached))
                return cached;
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Reference", model + ".json")));
            JsonElement root = document.RootElement;
            var sentences = root.GetProperty("sentences").EnumerateArray().Select(s => new ReferenceSentence(
                s.GetProperty("text").GetString()!,
                Longs(s.GetProperty("packageIds")),
                Longs(s.GetProperty("bertIds")),
                Floats(s.GetProperty("packageVector")),
                Floats(s.GetProperty("packageBatchedVector")),
                Floats(s.GetProperty("bertVector")))).ToList();
            var data = new ReferenceData(model, root.GetProperty("pooling").GetString()!, root.GetProperty("maxTokens").GetInt32(),
                root.GetProperty("hiddenSize").GetInt32(), sentences);
            s_loaded[model] = data;
            return data;
        }
    }

    private static long[] Longs(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt64())];

    private static float[] Floats(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetSingle())];
}

/// <summary>One reference sentence: its ids and vectors from each reference pipeline.</summary>
/// <param name="Text">The sentence.</param>
/// <param name="PackageIds">The SentenceTransformers package's own tokenizer.</param>
/// <param name="BertIds">Hugging Face tokenizers (BERT-conformant), untruncated.</param>
/// <param name="PackageVector">The package's pipeline, the sentence alone.</param>
/// <param name="PackageBatchedVector">The package's pipeline, the sentence in one batch with all the others.</param>
/// <param name="BertVector">The model run on <paramref name="BertIds"/> (truncated to the model's limit), pooled as sentence-transformers does.</param>
internal sealed record ReferenceSentence(string Text, long[] PackageIds, long[] BertIds, float[] PackageVector, float[] PackageBatchedVector, float[] BertVector)
{
    public bool PackageTokenizerAgrees => PackageIds.AsSpan().SequenceEqual(BertIds);

    public override string ToString() => Text.Length <= 40 ? Text : Text[..40] + "…";
}
