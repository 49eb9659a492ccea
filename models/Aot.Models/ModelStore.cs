using Aot.Protocol;
namespace Aot.Models;

/// <summary>
/// The entry point for tests and benchmarks: every model by name, fetched or generated on first use into the
/// shared cache (<see cref="ModelCache.DefaultRoot"/>), with progress on stderr.
/// </summary>
/// <example>
/// <code>
/// var minilm = ModelStore.GetPath("minilm");              // .../minilm/all-MiniLM-L6-v2.onnx
/// var vocab = ModelStore.GetPath("minilm", "vocab.txt");
/// var tiny = ModelStore.GetPath("tiny");                  // generated once, then cached
/// var int32 = ModelStore.GetPath(Fixtures.IdentityName(ElementType.Int32));
/// </code>
/// </example>
/// <remarks>Thread-safe and process-safe: concurrent callers (parallel tests, several test processes) share one fetch.</remarks>
public static class ModelStore
{
    private static readonly Lazy<ModelCache> DefaultCache = new(() => new ModelCache(ModelCache.DefaultRoot(), Console.Error));

    /// <summary>The cache every <see cref="ModelStore"/> call uses.</summary>
    public static ModelCache Cache => DefaultCache.Value;

    /// <summary>All models: fetched, then generated, then fixtures.</summary>
    public static IReadOnlyList<ModelInfo> Models => ModelCatalog.All;

    /// <summary>Names of <see cref="Models"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. ModelCatalog.All.Select(model => model.Name)];

    /// <summary>The model named <paramref name="name"/>; <see cref="KeyNotFoundException"/> lists the known names otherwise.</summary>
    public static ModelInfo Get(string name) => ModelCatalog.Get(name);

    /// <summary>Path of the model's <c>.onnx</c> file, fetching or generating it first if needed.</summary>
    public static string GetPath(string name) => Cache.GetPath(name);

    /// <summary>Path of one of the model's files, e.g. <c>GetPath("minilm", "vocab.txt")</c>.</summary>
    public static string GetPath(string name, string fileName) => Cache.GetPath(name, fileName);
}
