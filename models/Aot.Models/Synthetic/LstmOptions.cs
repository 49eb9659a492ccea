using System.Globalization;

namespace Aot.Models.Synthetic;

/// <summary>Shape of a stacked, unidirectional, batch-first LSTM.</summary>
public sealed record LstmOptions
{
    /// <summary>Stacked LSTM layers.</summary>
    public int Layers { get; init; } = 2;

    /// <summary>Width of each input time step.</summary>
    public int Features { get; init; } = 64;

    /// <summary>Width of the hidden and cell state.</summary>
    public int Hidden { get; init; } = 256;

    /// <summary>Seed of the weights.</summary>
    public ulong Seed { get; init; } = 42;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Layers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Features);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Hidden);
    }

    internal string RecipeKey => string.Create(CultureInfo.InvariantCulture,
        $"lstm layers={Layers} features={Features} hidden={Hidden} seed={Seed}");
}
