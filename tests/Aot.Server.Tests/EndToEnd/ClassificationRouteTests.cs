using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Aot.Embeddings.Tokenization;
using Microsoft.ML.OnnxRuntime;

namespace Aot.Server.Tests.EndToEnd;

/// <summary>
/// TEI's `/predict` and `/rerank` against the real server with the generated classifier: scores equal ONNX Runtime's
/// logits on the same ids (softmax or raw), labels come from config.json, pairs are `[CLS] a [SEP] b [SEP]` with token
/// types 0/1, rerank orders by relevance, `POST /` predicts for a classifier, and misuse is refused naming the problem.
/// </summary>
public sealed class ClassificationRouteTests(ClassifierServerFixture fixture) : IClassFixture<ClassifierServerFixture>
{
    private const double Tolerance = 1e-4;

    private HttpClient Http => fixture.Server.Http;

    private Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(string path, string json, string? model = null) =>
        TeiHttp.PostAsync(Http, path, json, model);

    private async Task<JsonArray> OkAsync(string path, string json, string? model = null)
    {
        (HttpStatusCode status, JsonNode? body) = await PostAsync(path, json, model);
        Assert.True(status == HttpStatusCode.OK, $"{path}: {status} {body?.ToJsonString()}");
        return body!.AsArray();
    }

    /// <summary>The classifier's logits computed here with ONNX Runtime on ids tokenized here, one text or a pair.</summary>
    private float[] ExpectedLogits(string first, string? second = null) => ExpectedLogits(fixture.ModelPath, first, second);

    private float[] ExpectedLogits(string modelPath, string first, string? second)
    {
        BertTokenizer tokenizer = BertTokenizer.FromVocabularyFile(fixture.VocabularyPath);
        long[] ids = new long[512], mask = new long[512], types = new long[512];
        int length = (second is null ? tokenizer.EncodeRow(first, ids, mask, types) : tokenizer.EncodePairRow(first, second, ids, mask, types)).Length;
        using var session = new InferenceSession(modelPath);
        using OrtValue idsValue = OrtValue.CreateTensorValueFromMemory(ids[..length], [1, length]);
        using OrtValue maskValue = OrtValue.CreateTensorValueFromMemory(mask[..length], [1, length]);
        using OrtValue typesValue = OrtValue.CreateTensorValueFromMemory(types[..length], [1, length]);
        using var options = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(options,
            ["input_ids", "attention_mask", "token_type_ids"], [idsValue, maskValue, typesValue], ["logits"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static float[] Softmax(float[] logits)
    {
        float max = logits.Max();
        float[] e = [.. logits.Select(l => MathF.Exp(l - max))];
        return [.. e.Select(v => v / e.Sum())];
    }

    /// <summary>Asserts a `/predict` row: every label once, highest score first, each equal to <paramref name="expected"/>[label].</summary>
    private static void AssertPrediction(JsonNode row, float[] expected)
    {
        JsonArray items = row.AsArray();
        Assert.Equal(ClassifierServerFixture.Labels.Length, items.Count);
        double previous = double.PositiveInfinity;
        foreach (JsonNode? item in items)
        {
            int label = Array.IndexOf(ClassifierServerFixture.Labels, (string)item!["label"]!);
            Assert.True(label >= 0, $"unknown label {item["label"]}");
            double score = (double)item["score"]!;
            Assert.Equal(expected[label], score, Tolerance);
            Assert.True(score <= previous, "scores must be sorted highest first");
            previous = score;
        }
    }

    [Fact]
    public async Task Predict_one_text_gives_softmax_scores_of_the_logits_sorted_with_config_labels()
    {
        AssertPrediction(await OkAsync("/predict", """{"inputs":"hello world"}"""), Softmax(ExpectedLogits("hello world")));
    }

    [Fact]
    public async Task Raw_scores_are_the_logits()
    {
        AssertPrediction(await OkAsync("/predict", """{"inputs":"hello world","raw_scores":true}"""), ExpectedLogits("hello world"));
    }

    [Fact]
    public async Task A_list_of_two_texts_is_one_pair_with_second_segment_token_types()
    {
        BertTokenizer tokenizer = BertTokenizer.FromVocabularyFile(fixture.VocabularyPath);
        long[] ids = new long[8], mask = new long[8], types = new long[8];
        Assert.Equal(5, tokenizer.EncodePairRow("hello", "world", ids, mask, types).Length);
        Assert.Equal([101L, 7592, 102, 2088, 102, 0, 0, 0], ids);
        Assert.Equal([0L, 0, 0, 1, 1, 0, 0, 0], types);

        float[] pair = ExpectedLogits("hello", "world");
        AssertPrediction(await OkAsync("/predict", """{"inputs":["hello","world"],"raw_scores":true}"""), pair);
        // The second segment's token types matter: the pair is not the two texts run as one.
        Assert.NotEqual(pair, ExpectedLogits("hello world"));
    }

    [Fact]
    public async Task A_list_of_lists_is_a_batch_answered_row_by_row()
    {
        JsonArray rows = await OkAsync("/predict", """{"inputs":[["hello world"],["hello","world"]]}""");
        Assert.Equal(2, rows.Count);
        AssertPrediction(rows[0]!, Softmax(ExpectedLogits("hello world")));
        AssertPrediction(rows[1]!, Softmax(ExpectedLogits("hello", "world")));
    }

    [Fact]
    public async Task Rerank_orders_texts_by_the_softmax_of_the_last_label()
    {
        string[] texts = ["the cat sat on the mat", "stock markets fell today", "a kitten sleeps", "hello"];
        JsonArray ranked = await OkAsync("/rerank", """{"query":"where is the cat","texts":["the cat sat on the mat","stock markets fell today","a kitten sleeps","hello"],"return_text":true}""");
        Assert.Equal(texts.Length, ranked.Count);
        double previous = double.PositiveInfinity;
        foreach (JsonNode? item in ranked)
        {
            int index = (int)item!["index"]!;
            Assert.Equal(texts[index], (string)item["text"]!);
            double score = (double)item["score"]!;
            Assert.Equal(Softmax(ExpectedLogits("where is the cat", texts[index]))[^1], score, Tolerance);
            Assert.True(score <= previous, "rerank must be sorted most relevant first");
            previous = score;
        }

        Assert.Equal(Enumerable.Range(0, texts.Length), ranked.Select(r => (int)r!["index"]!).Order());
        JsonArray raw = await OkAsync("/models/sentiment/rerank", """{"query":"q","texts":["a"],"raw_scores":true}""");
        Assert.Null(raw[0]!["text"]);
        Assert.Equal(ExpectedLogits("q", "a")[^1], (double)raw[0]!["score"]!, Tolerance);
    }

    [Fact]
    public async Task A_one_label_model_reranks_and_predicts_with_the_sigmoid_of_its_logit()
    {
        static double Sigmoid(float logit) => 1 / (1 + Math.Exp(-logit));
        string[] texts = ["the cat sat on the mat", "stock markets fell today", "a kitten sleeps"];
        JsonArray ranked = await OkAsync("/models/reranker/rerank", """{"query":"where is the cat","texts":["the cat sat on the mat","stock markets fell today","a kitten sleeps"]}""");
        Assert.Equal(texts.Length, ranked.Count);
        double previous = double.PositiveInfinity;
        foreach (JsonNode? item in ranked)
        {
            int index = (int)item!["index"]!;
            double score = (double)item["score"]!;
            float logit = ExpectedLogits(fixture.RerankerPath, "where is the cat", texts[index]).Single();
            Assert.Equal(Sigmoid(logit), score, Tolerance);
            Assert.True(score <= previous, "rerank must be sorted most relevant first");
            previous = score;
        }

        // /predict on one label: the sigmoid too (a softmax over one label would always say 1), raw_scores the logit.
        float hello = ExpectedLogits(fixture.RerankerPath, "hello world", null).Single();
        JsonArray predicted = await OkAsync("/predict", """{"inputs":"hello world"}""", model: "reranker");
        Assert.Equal(Sigmoid(hello), (double)predicted[0]!["score"]!, Tolerance);
        Assert.Equal("LABEL_0", (string?)predicted[0]!["label"]);
        JsonArray raw = await OkAsync("/predict", """{"inputs":"hello world","raw_scores":true}""", model: "reranker");
        Assert.Equal(hello, (double)raw[0]!["score"]!, Tolerance);
    }

    [Fact]
    public async Task Root_predicts_for_a_classifier_and_embeds_for_an_embedding_model()
    {
        AssertPrediction(await OkAsync("/", """{"inputs":"hello world"}"""), Softmax(ExpectedLogits("hello world")));
        JsonArray vectors = await OkAsync("/", """{"inputs":"hello world"}""", model: "minilm");
        Assert.Equal(384, vectors[0]!.AsArray().Count);
    }

    [Fact]
    public async Task Info_names_the_classifier_and_its_labels()
    {
        JsonNode info = JsonNode.Parse(await Http.GetStringAsync("/models/sentiment/info"))!;
        Assert.Equal("sentiment", (string)info["model_id"]!);
        JsonNode id2label = info["model_type"]!["classifier"]!["id2label"]!;
        Assert.Equal(ClassifierServerFixture.Labels, new[] { (string)id2label["0"]!, (string)id2label["1"]!, (string)id2label["2"]! });
    }

    [Theory]
    [InlineData("/predict", """{"inputs":[]}""", null, 400, "inputs")]
    [InlineData("/predict", """{"inputs":""}""", null, 400, "inputs")]
    [InlineData("/rerank", """{"query":"q","texts":[]}""", null, 400, "texts")]
    [InlineData("/predict", """{"inputs":"x"}""", "nope", 404, "nope")]
    [InlineData("/embed", """{"inputs":"x"}""", "sentiment", 400, "sequence classifier")]
    [InlineData("/predict", """{"inputs":"x"}""", "minilm", 400, "embedding model")]
    [InlineData("/rerank", """{"query":"q","texts":["a"]}""", "minilm", 400, "embedding model")]
    public async Task Misuse_is_refused_with_a_tei_error_naming_the_problem(string path, string json, string? model, int status, string mentions)
    {
        (HttpStatusCode actual, JsonNode? body) = await PostAsync(path, json, model);
        Assert.Equal(status, (int)actual);
        Assert.Contains(mentions, (string)body!["error"]!);
        Assert.NotNull((string?)body["error_type"]);
    }
}
