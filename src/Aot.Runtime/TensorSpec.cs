namespace Aot.Runtime;

/// <summary>
/// A tensor's compile-time signature, as the source generator saw it in the <c>.onnx</c> file. Compared with a
/// loaded model by <see cref="ModelSignature.EnsureMatches"/>.
/// </summary>
/// <param name="Name">The name exactly as in the model.</param>
/// <param name="ElementType">Element type.</param>
/// <param name="Dims">One entry per dimension: the fixed size, or -1 when symbolic or unknown.</param>
/// <param name="Symbols">One entry per dimension: the symbol, or null.</param>
public sealed record class TensorSpec(string Name, ElementType ElementType, long[] Dims, string?[] Symbols)
{
    /// <summary>Shape as text, e.g. <c>[batch, 384]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Dims.Select((d, i) => d >= 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : Symbols.ElementAtOrDefault(i) ?? "?")) + "]";
}
