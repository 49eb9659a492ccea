namespace Aot.LoadGen.Workloads;

/// <summary>
/// The benchmark cases. Inputs are deterministic (a fixed-seed generator), so every system and every run gets the
/// same numbers: the tiny model (overhead), ResNet-50 with one 224×224 image, MiniLM (real weights) at sequence 16
/// and 128, and the 2-layer LSTM over 32 steps.
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

    /// <summary>Every case, in report order.</summary>
    public static IReadOnlyList<Workload> All { get; } = [Tiny, ResNet50, MiniLm16, MiniLm128, Lstm];

    /// <summary>The case named <paramref name="name"/>.</summary>
    public static Workload Get(string name) =>
        All.FirstOrDefault(workload => workload.Name == name)
        ?? throw new ArgumentException($"Unknown workload '{name}'. Known: {string.Join(", ", All.Select(w => w.Name))}.");

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
