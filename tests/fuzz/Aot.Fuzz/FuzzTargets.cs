using Aot.Fuzz.Targets;

namespace Aot.Fuzz;

/// <summary>Every fuzz target by name; a target is created (and loads its models) only when asked for.</summary>
public static class FuzzTargets
{
    private static readonly Dictionary<string, Func<FuzzTarget>> s_factories = new(StringComparer.Ordinal)
    {
        ["binary-frame"] = static () => new BinaryFrameTarget(),
        ["kserve-json"] = static () => new KServeJsonTarget(),
        ["tfserving-json"] = static () => new TfServingJsonTarget(),
        ["embedding-request"] = static () => new EmbeddingRequestTarget(),
        ["wordpiece"] = static () => new WordPieceTarget(),
        ["onnx-metadata"] = static () => new OnnxMetadataTarget(),
        ["model-config"] = static () => new ModelConfigTarget(),
    };

    private static readonly Dictionary<string, FuzzTarget> s_created = new(StringComparer.Ordinal);

    /// <summary>The target names, in the order run.sh runs them.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. s_factories.Keys];

    /// <summary>The target named <paramref name="name"/>, created once per process.</summary>
    /// <exception cref="ArgumentException">No target has that name.</exception>
    public static FuzzTarget Get(string name)
    {
        if (!s_factories.TryGetValue(name, out Func<FuzzTarget>? create))
        {
            throw new ArgumentException($"No fuzz target is named '{name}'. Targets: {string.Join(", ", Names)}.", nameof(name));
        }

        lock (s_created)
        {
            if (!s_created.TryGetValue(name, out FuzzTarget? target))
            {
                target = create();
                s_created[name] = target;
            }

            return target;
        }
    }
}
