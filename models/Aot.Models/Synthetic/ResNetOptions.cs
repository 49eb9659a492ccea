using System.Globalization;

namespace Aot.Models.Synthetic;

/// <summary>
/// Shape of a bottleneck ResNet. The defaults are ResNet-50 (stages of 3, 4, 6, 3 blocks, base width 64,
/// 224×224 RGB input, 1000 classes); shrink them for fast tests.
/// </summary>
public sealed record ResNetOptions
{
    /// <summary>Height and width of the input image.</summary>
    public int ImageSize { get; init; } = 224;

    /// <summary>Channels of the input image.</summary>
    public int InputChannels { get; init; } = 3;

    /// <summary>Width of the stem and of the first stage's bottlenecks (doubles per stage; outputs are 4× wider).</summary>
    public int BaseWidth { get; init; } = 64;

    /// <summary>Bottleneck blocks per stage; a stage after the first halves the resolution.</summary>
    public IReadOnlyList<int> StageBlocks { get; init; } = [3, 4, 6, 3];

    /// <summary>Number of output logits.</summary>
    public int Classes { get; init; } = 1000;

    /// <summary>Seed of the weights.</summary>
    public ulong Seed { get; init; } = 42;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ImageSize, 32);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(InputChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BaseWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Classes);
        if (StageBlocks.Count == 0 || StageBlocks.Any(blocks => blocks <= 0))
            throw new ArgumentException("Every stage needs at least one block.", nameof(StageBlocks));
    }

    internal string RecipeKey => string.Create(CultureInfo.InvariantCulture,
        $"resnet image={ImageSize} channels={InputChannels} width={BaseWidth} stages={string.Join('-', StageBlocks)} classes={Classes} seed={Seed}");
}
