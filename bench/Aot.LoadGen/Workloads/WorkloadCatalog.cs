using System.Globalization;

namespace Aot.LoadGen.Workloads;

/// <summary>
/// The benchmark cases. Inputs are deterministic (a fixed-seed generator), so every system and every run gets the
/// same numbers: the tiny model (overhead), ResNet-50 with one 224×224 image, MiniLM (real weights) at sequence 16
/// and 128, and the 2-layer LSTM over 32 steps. The embedding cases post texts (<see cref="EmbedTexts"/>) to TEI's
/// <c>/embed</c> on MiniLM with its vocab.txt: 1 or 32 short texts, 1 or 32 long texts, and 32 texts of mixed lengths.
/// </summary>
internal static class WorkloadCatalog
{
    private const int Seed = 20261124;

    public static Workload Tiny { get; } = new("tiny", "tiny", "tiny MLP, x float [1, 16]",
        [TensorData.Float("x", [1, 16], Floats(16, -1, 1))]);

    public static Workload ResNet50 { get; } = new("resnet50", "resnet50", "ResNet-50 v1, one image float [1, 3, 224, 224]",
        [TensorData.Float("input", [1, 3, 224, 224], Floats(3 * 224 * 224, -2, 2))]);

    public static Workload MiniLm16 { get; } = MiniLm(16);

    public static Workload MiniLm128 { get; } = MiniLm(128);

    public static Workload Lstm { get; } = new("lstm", "lstm", "2-layer LSTM (hidden 256), input float [1, 32, 64]",
        [TensorData.Float("input", [1, 32, 64], Floats(32 * 64, -1, 1))]);

    /// <summary>The served setup of the embedding cases: all-MiniLM-L6-v2 with its vocab.txt behind <c>/embed</c>.</summary>
    public const string EmbedModel = "minilm-embed";

    public static Workload EmbedShort1 { get; } = Embed("embed-short-b1", EmbedTexts.Short.Take(1), "1 short text");

    public static Workload EmbedShort32 { get; } = Embed("embed-short-b32", EmbedTexts.Short, "32 short texts");

    public static Workload EmbedLong1 { get; } = Embed("embed-long-b1", EmbedTexts.Long.Take(1), "1 long text");

    public static Workload EmbedLong32 { get; } = Embed("embed-long-b32", EmbedTexts.Long, "32 long texts");

    public static Workload EmbedMixed32 { get; } = Embed("embed-mixed-b32", EmbedTexts.Mixed, "32 texts of mixed lengths (log-normal, median 40 tokens)");

    /// <summary>The tensor cases, in report order.</summary>
    public static IReadOnlyList<Workload> Tensors { get; } = [Tiny, ResNet50, MiniLm16, MiniLm128, Lstm];

    /// <summary>The <c>/embed</c> cases, in report order.</summary>
    public static IReadOnlyList<Workload> Embeddings { get; } = [EmbedShort1, EmbedShort32, EmbedLong1, EmbedLong32, EmbedMixed32];

    /// <summary>Every case, in report order.</summary>
    public static IReadOnlyList<Workload> All { get; } = [.. Tensors, .. Embeddings];

    /// <summary>The case named <paramref name="name"/>.</summary>
    public static Workload Get(string name) =>
        All.FirstOrDefault(workload => workload.Name == name)
        ?? throw new ArgumentException($"Unknown workload '{name}'. Known: {string.Join(", ", All.Select(w => w.Name))}.");

    private static Workload Embed(string name, IEnumerable<string> texts, string what)
    {
        string[] batch = [.. texts];
        int[] tokens = [.. batch.Select(EmbedTexts.TokenCount)];
        EmbedPadding padding = EmbedPadding.Of(tokens);
        return Workload.Embedding(name, EmbedModel, "minilm",
            string.Create(CultureInfo.InvariantCulture, $"POST /embed, {what} ({tokens.Min()}–{tokens.Max()} tokens each with [CLS]/[SEP], {padding.RealTokens} in all; padding waste {padding.Waste:P0} in one batch), normalize: true; all-MiniLM-L6-v2 + its vocab.txt, mean pooling"),
            batch);
    }

    private static Workload MiniLm(int sequence)
    {
        var random = new Random(Seed + sequence);
        long[] ids = new long[sequence];
        for (int i = 0; i < sequence; i++)
        {
            ids[i] = i == 0 ? 101 : i == sequence - 1 ? 102 : random.Next(1000, 29000);
        }

        long[] mask = Enumerable.Repeat(1L, sequence).ToArray();
        long[] types = new long[sequence];
        return new Workload($"minilm-s{sequence}", "minilm", $"all-MiniLM-L6-v2 (real weights), 3 × int64 [1, {sequence}]",
        [
            TensorData.Int64("input_ids", [1, sequence], ids),
            TensorData.Int64("attention_mask", [1, sequence], mask),
            TensorData.Int64("token_type_ids", [1, sequence], types),
        ]);
    }

    private static float[] Floats(int count, float min, float max)
    {
        var random = new Random(Seed + count);
        float[] values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = min + ((max - min) * random.NextSingle());
        }

        return values;
    }
}
