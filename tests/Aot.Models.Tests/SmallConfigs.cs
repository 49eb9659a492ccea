using Aot.Models.Synthetic;

namespace Aot.Models.Tests;

/// <summary>Shrunk architectures: the same graphs as the benchmark models, built and run in milliseconds.</summary>
internal static class SmallConfigs
{
    public static ResNetOptions ResNet { get; } = new() { ImageSize = 64, BaseWidth = 8, StageBlocks = [1, 2, 1, 1], Classes = 10 };

    public static BertOptions Bert { get; } = new() { Layers = 2, Hidden = 32, Heads = 4, Intermediate = 64, VocabSize = 100, MaxPositions = 16 };

    public static LstmOptions Lstm { get; } = new() { Layers = 2, Features = 8, Hidden = 16 };

    public static TinyOptions Tiny { get; } = new();
}
