using System.Globalization;

namespace Aot.Models.Synthetic;

/// <summary>Shape of the <c>tiny</c> model: <c>y = Relu(x · W + b)</c> with <c>x</c>, <c>y</c> float [batch, features].</summary>
public sealed record TinyOptions
{
    /// <summary>Width of the input and the output.</summary>
    public int Features { get; init; } = 16;

    /// <summary>Seed of the weights.</summary>
    public ulong Seed { get; init; } = 42;

    internal void Validate() => ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Features);

    internal string RecipeKey => string.Create(CultureInfo.InvariantCulture, $"tiny features={Features} seed={Seed}");
}
