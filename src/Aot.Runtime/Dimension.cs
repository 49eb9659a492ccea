using System.Globalization;

namespace Aot.Runtime;

/// <summary>One dimension of a declared tensor shape: a fixed size, or a symbol (<c>batch</c>), or unknown.</summary>
/// <param name="Value">The size when fixed (≥ 0); -1 when symbolic or unknown.</param>
/// <param name="Symbol">The symbolic name (<c>dim_param</c>) when there is one.</param>
public readonly record struct Dimension(long Value, string? Symbol)
{
    /// <summary>Whether the size is known ahead of time.</summary>
    public bool IsFixed => Value >= 0;

    /// <summary>A fixed dimension.</summary>
    public static Dimension Fixed(long value) => new(value, null);

    /// <summary>A symbolic dimension, or an unknown one when <paramref name="symbol"/> is null or empty.</summary>
    public static Dimension Dynamic(string? symbol) => new(-1, string.IsNullOrEmpty(symbol) ? null : symbol);

    /// <summary>The size, the symbol, or <c>?</c>.</summary>
    public override string ToString() => IsFixed ? Value.ToString(CultureInfo.InvariantCulture) : Symbol ?? "?";
}
