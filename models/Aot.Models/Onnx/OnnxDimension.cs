namespace Aot.Models.Onnx;

/// <summary>
/// One dimension of a <c>TensorShapeProto</c>: a fixed size (<c>dim_value</c>), a symbol shared by dimensions
/// of the same size (<c>dim_param</c>, e.g. <c>batch</c>), or neither (unknown).
/// </summary>
/// <remarks>Numbers and strings convert implicitly, so a shape can be written <c>["batch", 3, 224, 224]</c>.</remarks>
public readonly record struct OnnxDimension
{
    private OnnxDimension(long? value, string? symbol)
    {
        Value = value;
        Symbol = symbol;
    }

    /// <summary>The fixed size, or null.</summary>
    public long? Value { get; }

    /// <summary>The symbolic name, or null.</summary>
    public string? Symbol { get; }

    /// <summary>A dimension with neither a value nor a symbol.</summary>
    public static OnnxDimension Unknown => default;

    /// <summary>A fixed size; 0 is a legal size (an empty tensor).</summary>
    public static OnnxDimension Fixed(long value) =>
        value >= 0 ? new(value, null) : throw new ArgumentOutOfRangeException(nameof(value), value, "A fixed dimension is >= 0.");

    /// <summary>A symbolic dimension.</summary>
    public static OnnxDimension Symbolic(string symbol) =>
        string.IsNullOrEmpty(symbol) ? throw new ArgumentException("A symbol is a non-empty name.", nameof(symbol)) : new(null, symbol);

    /// <summary>Same as <see cref="Fixed"/>.</summary>
    public static implicit operator OnnxDimension(long value) => Fixed(value);

    /// <summary>Same as <see cref="Symbolic"/>.</summary>
    public static implicit operator OnnxDimension(string symbol) => Symbolic(symbol);

    /// <inheritdoc/>
    public override string ToString() => Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Symbol ?? "?";
}
