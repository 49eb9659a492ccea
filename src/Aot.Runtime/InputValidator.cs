using System.Globalization;

namespace Aot.Runtime;

/// <summary>
/// The checks a runner makes on what callers hand it, before anything reaches ONNX Runtime: ORT's own errors
/// name an inner node rather than the input a caller got wrong, so every message here names the input.
/// </summary>
internal static class InputValidator
{
    /// <summary>Checked before anything native is created for a runner.</summary>
    /// <exception cref="NotSupportedException">An input is not a tensor of a type the runner can bind.</exception>
    public static OnnxModel EnsureBindable(OnnxModel model)
    {
        foreach (TensorInfo input in model.Metadata.Inputs)
        {
            if (!input.IsTensor || !ElementTypes.IsSupported(input.ElementType))
            {
                throw new NotSupportedException(
                    $"Input '{input.Name}' of '{model.Source}' is {(input.IsTensor ? ElementTypes.ToKServeName(input.ElementType) + " tensor" : "not a tensor")}; Aot.Runtime binds tensors of numeric, bool and string types only.");
            }
        }

        return model;
    }

    /// <summary>A typed accessor must use the tensor's own element type: a different one would reinterpret its bytes.</summary>
    public static void CheckElementType<T>(BoundTensor tensor, string role, string verb) where T : unmanaged
    {
        ElementType given = ElementTypes.Of<T>();
        if (given != tensor.Info.ElementType)
        {
            throw new ModelInputException(tensor.Name,
                $"{role} '{tensor.Name}' holds {ElementTypes.ToKServeName(tensor.Info.ElementType)} elements but was {verb} as {typeof(T).Name} ({ElementTypes.ToKServeName(given)}).");
        }
    }

    /// <summary>Checks rank and fixed dimensions and returns the element count.</summary>
    public static long ValidateShape(TensorInfo info, scoped ReadOnlySpan<long> shape)
    {
        if (shape.Length != info.Rank)
        {
            throw new ModelInputException(info.Name,
                $"Input '{info.Name}' expects rank {info.Rank} {info.ShapeText} but got rank {shape.Length} {FormatShape(shape)}.");
        }

        long count = 1;
        for (int d = 0; d < shape.Length; d++)
        {
            Dimension declared = info.Shape[d];
            if (shape[d] < 0)
            {
                throw new ModelInputException(info.Name, $"Input '{info.Name}' got a negative dimension {d} in {FormatShape(shape)}.");
            }

            if (declared.IsFixed && declared.Value != shape[d])
            {
                throw new ModelInputException(info.Name,
                    $"Input '{info.Name}' expects dimension {d} to be {declared.Value} {info.ShapeText} but got {shape[d]} {FormatShape(shape)}.");
            }

            try
            {
                count = checked(count * shape[d]);
            }
            catch (OverflowException)
            {
                throw new ModelInputException(info.Name, $"Input '{info.Name}' shape {FormatShape(shape)} has too many elements.");
            }
        }

        long bytes = count * Math.Max(1, info.ElementSize);
        if (bytes > Array.MaxLength)
        {
            throw new ModelInputException(info.Name, $"Input '{info.Name}' shape {FormatShape(shape)} needs {bytes} bytes; one tensor is limited to {Array.MaxLength} bytes.");
        }

        return count;
    }

    /// <summary>Every input has a shape, and inputs that share a symbolic dimension agree on its value.</summary>
    public static void CheckComplete(BoundTensor[] inputs)
    {
        foreach (BoundTensor input in inputs)
        {
            if (!input.HasShape)
            {
                throw new ModelInputException(input.Name, $"Input '{input.Name}' {input.Info.ShapeText} was not set before Run.");
            }
        }

        // Inputs that share a symbol (input_ids and attention_mask both [batch, sequence]) must agree on it;
        // ONNX Runtime would fail later with a message about some inner node instead.
        for (int a = 0; a < inputs.Length; a++)
        {
            TensorInfo infoA = inputs[a].Info;
            for (int da = 0; da < infoA.Rank; da++)
            {
                string? symbol = infoA.Shape[da].Symbol;
                if (symbol is null)
                {
                    continue;
                }

                for (int b = a + 1; b < inputs.Length; b++)
                {
                    TensorInfo infoB = inputs[b].Info;
                    for (int db = 0; db < infoB.Rank; db++)
                    {
                        if (infoB.Shape[db].Symbol == symbol && inputs[a].Shape[da] != inputs[b].Shape[db])
                        {
                            throw new ModelInputException(infoB.Name,
                                $"Inputs '{infoA.Name}' and '{infoB.Name}' disagree on dimension '{symbol}': {inputs[a].Shape[da]} vs {inputs[b].Shape[db]}.");
                        }
                    }
                }
            }
        }
    }

    public static string FormatShape(ReadOnlySpan<long> shape)
    {
        var parts = new string[shape.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            parts[i] = shape[i].ToString(CultureInfo.InvariantCulture);
        }

        return "[" + string.Join(", ", parts) + "]";
    }
}
