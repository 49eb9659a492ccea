using Aot.LoadGen.Workloads;

namespace Aot.LoadGen.Systems;

/// <summary>
/// The int8 models the suite measures next to fp32: the files bench/int8-models.sh writes with <c>aot quantize</c>
/// (MiniLM dynamic with two FFN projections kept in fp32, ResNet-50 static QDQ; docs/quantization.md) into one folder,
/// MiniLM's vocab.txt beside it so Aot serves <c>/embed</c> from it. Only the workloads those two models serve get int8 rows.
/// </summary>
internal static class Int8Models
{
    /// <summary>The workloads with an int8 variant: MiniLM at sequence 128 and every <c>/embed</c> case, and ResNet-50.</summary>
    public static IReadOnlySet<string> Workloads { get; } = new HashSet<string>(
        ["resnet50", "minilm-s128", .. WorkloadCatalog.Embeddings.Select(w => w.Name)]);

    /// <summary>Whether <paramref name="workload"/> has an int8 variant.</summary>
    public static bool Serves(Workload workload) => Workloads.Contains(workload.Name);

    /// <summary>The int8 file in <paramref name="directory"/> for <paramref name="workload"/>'s model.</summary>
    /// <exception cref="ArgumentException">The workload has no int8 variant.</exception>
    public static string PathFor(string directory, Workload workload) => Serves(workload)
        ? Path.Combine(directory, $"{workload.StoreName}-int8.onnx")
        : throw new ArgumentException($"Workload '{workload.Name}' has no int8 model; int8 variants: {string.Join(", ", Workloads)}.");
}
