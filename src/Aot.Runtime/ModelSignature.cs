namespace Aot.Runtime;

/// <summary>Checks a loaded model against a compile-time signature.</summary>
public static class ModelSignature
{
    /// <summary>
    /// Throws <see cref="ModelSignatureMismatchException"/> listing every difference between the model and the
    /// signature: missing or extra tensors, order, element types, ranks and fixed dimensions. Symbol names may
    /// differ (they are labels, not constraints), but a dimension fixed on one side must be fixed to the same
    /// size on the other.
    /// </summary>
    public static void EnsureMatches(OnnxModel model, IReadOnlyList<TensorSpec> inputs, IReadOnlyList<TensorSpec> outputs)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        var differences = new List<string>();
        Compare("input", model.Metadata.Inputs, inputs, differences);
        Compare("output", model.Metadata.Outputs, outputs, differences);
        if (differences.Count > 0)
        {
            throw new ModelSignatureMismatchException(model.Source, differences);
        }
    }

    private static void Compare(string kind, IReadOnlyList<TensorInfo> actual, IReadOnlyList<TensorSpec> expected, List<string> differences)
    {
        for (int i = 0; i < expected.Count; i++)
        {
            TensorSpec spec = expected[i];
            TensorInfo? found = actual.FirstOrDefault(a => a.Name == spec.Name);
            if (found is null)
            {
                differences.Add($"{kind} '{spec.Name}' is missing (compiled for {ElementTypes.ToKServeName(spec.ElementType)}{spec.ShapeText})");
                continue;
            }

            if (found.Index != i)
            {
                differences.Add($"{kind} '{spec.Name}' is at position {found.Index}, compiled for position {i}");
            }

            if (found.ElementType != spec.ElementType)
            {
                differences.Add($"{kind} '{spec.Name}': element type is {ElementTypes.ToKServeName(found.ElementType)}, compiled for {ElementTypes.ToKServeName(spec.ElementType)}");
            }

            if (found.Rank != spec.Dims.Length)
            {
                differences.Add($"{kind} '{spec.Name}': rank is {found.Rank} {found.ShapeText}, compiled for {spec.Dims.Length} {spec.ShapeText}");
                continue;
            }

            for (int d = 0; d < spec.Dims.Length; d++)
            {
                long compiled = spec.Dims[d];
                long loaded = found.Shape[d].Value;
                // A symbolic compiled dimension accepts any size: ORT may fix dimensions the file leaves symbolic
                // (MiniLM's hidden size). A fixed one must match exactly.
                if (compiled >= 0 && compiled != loaded)
                {
                    differences.Add($"{kind} '{spec.Name}': dimension {d} is {found.Shape[d]}, compiled for {(compiled >= 0 ? compiled.ToString(System.Globalization.CultureInfo.InvariantCulture) : spec.Symbols.ElementAtOrDefault(d) ?? "?")}");
                }
            }
        }

        foreach (TensorInfo extra in actual)
        {
            if (!expected.Any(e => e.Name == extra.Name))
            {
                differences.Add($"{kind} '{extra.Name}' ({extra}) is not in the compiled signature");
            }
        }
    }
}
