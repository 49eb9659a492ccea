using System.Globalization;
using Aot.Protocol;
using Aot.Runtime;
using Aot.Server.Batching;

namespace Aot.Server.Models;

/// <summary>
/// What the server derives once from a model's metadata: whether requests can be batched along dimension 0,
/// which input dimensions must agree (shared symbols), which may be padded, and how each output dimension maps
/// back to a request's own input sizes (to trim padded outputs). Also validates a request's tensors before it
/// is queued, so a bad request never reaches (and never fails) a batch.
/// </summary>
internal sealed class ServingSignature
{
    private readonly (int InputA, int DimA, int InputB, int DimB, string Symbol)[] _sharedSymbols;

    public ServingSignature(ModelMetadata metadata)
    {
        Inputs = [.. metadata.Inputs.Select(static i => new ServingTensor(i))];
        Outputs = [.. metadata.Outputs.Select(static o => new ServingTensor(o))];
        IsBatchable = DecideBatchable(Inputs, Outputs);
        _sharedSymbols = FindSharedSymbols(Inputs);
        OutputDimSources = [.. Outputs.Select(o => MapOutputDims(o, Inputs))];
        UnsupportedReason = FindUnsupported(Inputs, Outputs);
    }

    public ServingTensor[] Inputs { get; }

    public ServingTensor[] Outputs { get; }

    /// <summary>
    /// Every input has a symbolic dimension 0 (the same symbol) and every output a dynamic one: requests can be
    /// concatenated along it. Otherwise each request runs alone.
    /// </summary>
    public bool IsBatchable { get; }

    /// <summary>For each output, for each dimension, the input dimension that determines its size (if any).</summary>
    public SymbolSource[][] OutputDimSources { get; }

    /// <summary>Why the server cannot serve this model (sequence/map inputs, element types it cannot bind), or null.</summary>
    public string? UnsupportedReason { get; }

    public ServingTensor? FindInput(ReadOnlySpan<byte> utf8Name)
    {
        foreach (ServingTensor input in Inputs)
        {
            if (utf8Name.SequenceEqual(input.Utf8Name))
            {
                return input;
            }
        }

        return null;
    }

    public ServingTensor? FindOutput(ReadOnlySpan<byte> utf8Name)
    {
        foreach (ServingTensor output in Outputs)
        {
            if (utf8Name.SequenceEqual(output.Utf8Name))
            {
                return output;
            }
        }

        return null;
    }

    public ServingTensor? FindInput(string name) => Array.Find(Inputs, i => i.Name == name);

    public ServingTensor? FindOutput(string name) => Array.Find(Outputs, o => o.Name == name);

    /// <summary>Whether dimension <paramref name="dim"/> of input <paramref name="input"/> may differ between batched requests when padding is on.</summary>
    public bool IsPaddable(int input, int dim) => dim > 0 && !Inputs[input].Dims[dim].IsFixed && !Inputs[input].IsString;

    /// <summary>
    /// Checks a request's inputs against the model: all present, rank, fixed dimensions, dimension 0 for batched
    /// models, shared symbols, and data length = elements × element size. Throws a 400 naming the input.
    /// </summary>
    public void Validate(TensorBuffer[] tensors)
    {
        for (int i = 0; i < Inputs.Length; i++)
        {
            ServingTensor input = Inputs[i];
            TensorBuffer tensor = tensors[i];
            if (!tensor.IsSet)
            {
                throw InferenceException.BadRequest($"Missing input '{input.Name}'; the model's inputs are: {string.Join(", ", Inputs.Select(static t => t.Name))}.");
            }

            long elements = 1;
            long[] shape = tensor.Shape;
            for (int d = 0; d < shape.Length; d++)
            {
                Dimension declared = input.Dims[d];
                if (shape[d] < 0 || (declared.IsFixed && declared.Value != shape[d]))
                {
                    throw InferenceException.BadRequest($"Input '{input.Name}' has shape {FormatShape(shape)} but the model expects {input.Info.ShapeText}.");
                }

                elements = shape[d] == 0 ? 0 : (elements > long.MaxValue / shape[d] ? long.MaxValue : elements * shape[d]);
            }

            if (IsBatchable && shape[0] == 0)
            {
                throw InferenceException.BadRequest($"Input '{input.Name}' has shape {FormatShape(shape)}: dimension 0 (the batch) must be at least 1.");
            }

            if (input.IsString)
            {
                StringTensor.Validate(tensor.Data, elements == long.MaxValue ? -1 : elements, input.Name);
                continue;
            }

            if (elements == long.MaxValue || elements * input.ElementSize != tensor.Length)
            {
                throw InferenceException.BadRequest(
                    $"Input '{input.Name}' with shape {FormatShape(shape)} and datatype {input.DataTypeName} needs {(elements == long.MaxValue ? "too many" : (elements * input.ElementSize).ToString(CultureInfo.InvariantCulture))} bytes but got {tensor.Length}.");
            }
        }

        foreach ((int a, int da, int b, int db, string symbol) in _sharedSymbols)
        {
            if (tensors[a].Shape[da] != tensors[b].Shape[db])
            {
                throw InferenceException.BadRequest(
                    $"Inputs '{Inputs[a].Name}' and '{Inputs[b].Name}' disagree on dimension '{symbol}': {tensors[a].Shape[da]} vs {tensors[b].Shape[db]}.");
            }
        }
    }

    public static string FormatShape(ReadOnlySpan<long> shape)
    {
        var text = new System.Text.StringBuilder("[");
        for (int i = 0; i < shape.Length; i++)
        {
            text.Append(i == 0 ? "" : ", ").Append(shape[i].ToString(CultureInfo.InvariantCulture));
        }

        return text.Append(']').ToString();
    }

    /// <remarks>
    /// Inputs must share one dimension-0 symbol (or leave it unnamed). Outputs only need a dynamic dimension 0:
    /// exporters and ONNX Runtime's shape inference often give them invented names (MiniLM's <c>924</c> is
    /// <c>[Tanh924_dim_0, 384]</c>). The batcher checks after each run that outputs really have the batch's rows.
    /// </remarks>
    private static bool DecideBatchable(ServingTensor[] inputs, ServingTensor[] outputs) =>
        BatchDimensionRule.IsBatchable(Array.ConvertAll(inputs, ToRuleTensor), Array.ConvertAll(outputs, ToRuleTensor));

    private static BatchDimensionRule.Tensor ToRuleTensor(ServingTensor tensor) =>
        tensor.Rank > 0
            ? new BatchDimensionRule.Tensor(tensor.Rank, tensor.Dims[0].IsFixed, tensor.Dims[0].Symbol)
            : new BatchDimensionRule.Tensor(tensor.Rank, dimension0IsFixed: false, dimension0Symbol: null);

    private static (int, int, int, int, string)[] FindSharedSymbols(ServingTensor[] inputs)
    {
        var pairs = new List<(int, int, int, int, string)>();
        for (int a = 0; a < inputs.Length; a++)
        {
            for (int da = 0; da < inputs[a].Rank; da++)
            {
                string? symbol = inputs[a].Dims[da].Symbol;
                if (symbol is null)
                {
                    continue;
                }

                for (int b = a + 1; b < inputs.Length; b++)
                {
                    for (int db = 0; db < inputs[b].Rank; db++)
                    {
                        if (inputs[b].Dims[db].Symbol == symbol)
                        {
                            pairs.Add((a, da, b, db, symbol));
                        }
                    }
                }
            }
        }

        return [.. pairs];
    }

    private static SymbolSource[] MapOutputDims(ServingTensor output, ServingTensor[] inputs)
    {
        var sources = new SymbolSource[output.Rank];
        for (int d = 0; d < sources.Length; d++)
        {
            sources[d] = SymbolSource.None;
            string? symbol = output.Dims[d].Symbol;
            if (symbol is null)
            {
                continue;
            }

            for (int i = 0; i < inputs.Length && !sources[d].Exists; i++)
            {
                int found = Array.FindIndex(inputs[i].Dims, x => x.Symbol == symbol);
                if (found >= 0)
                {
                    sources[d] = new SymbolSource(i, found);
                }
            }
        }

        return sources;
    }

    private static string? FindUnsupported(ServingTensor[] inputs, ServingTensor[] outputs)
    {
        foreach (ServingTensor tensor in inputs.Concat(outputs))
        {
            if (!tensor.Info.IsTensor)
            {
                return $"'{tensor.Name}' is not a tensor (sequence, map or optional)";
            }

            if (tensor.ElementSize == 0 && !tensor.IsString)
            {
                return $"'{tensor.Name}' has element type {tensor.DataTypeName}, which the server does not serve yet";
            }
        }

        return null;
    }
}
