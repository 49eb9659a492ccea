using Aot.Models;
using Aot.Runtime;
using Aot.Server.Models;

namespace Aot.Fuzz;

/// <summary>
/// The models the request targets parse against, loaded as <c>aot serve</c> loads them (signatures, batchers,
/// text endpoints); loaded once per process, on first use.
/// </summary>
internal static class FuzzModels
{
    private static readonly Lazy<ModelRepository> s_tensors = new(static () => Load(
    [
        // Every element type family the readers decode: FP16, BOOL, INT32, FP64 (many-io), BYTES (identity-string),
        // batched int64 sequences (bert-tiny), names that need escaping (odd-names).
        new ModelSource("many-io", 1, Fixtures.GetPath("many-io")),
        new ModelSource("identity-string", 1, Fixtures.GetPath(Fixtures.IdentityName(Aot.Protocol.ElementType.String))),
        new ModelSource("bert-tiny", 1, ModelStore.GetPath("bert-tiny")) { Settings = ModelSettings.Default with { PadSequences = true } },
        new ModelSource("odd-names", 1, Fixtures.GetPath("odd-names")),
    ]));

    // all-MiniLM-L6-v2 with its vocab.txt: the text routes' real tokenizer and limits.
    private static readonly Lazy<ModelRepository> s_text = new(static () => Load([ModelSource.Parse("minilm=" + ModelStore.GetPath("minilm"))]));

    /// <summary>Tensor models, by the names binary frames and the fuzzed requests use.</summary>
    public static ModelRepository Tensors => s_tensors.Value;

    /// <summary>The text model (MiniLM with its tokenizer).</summary>
    public static ModelRepository Text => s_text.Value;

    private static ModelRepository Load(IReadOnlyList<ModelSource> sources) =>
        ModelLoader.Load([.. sources.Select(static s => s with { Settings = s.Settings with { Warmup = false, IntraOpThreads = 1 } })],
            new ModelOptions(), static _ => { });
}
