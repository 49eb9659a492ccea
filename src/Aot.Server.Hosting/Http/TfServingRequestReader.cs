using System.Text.Json;
using Aot.Server.Batching;
using Aot.Server.Models;
using Aot.Protocol;

namespace Aot.Server.Http;

/// <summary>
/// Parses a TF Serving REST <c>:predict</c> body. Row format, <c>{"instances": [...]}</c>: each instance is one row
/// (a value for a single-input model, or an object of named inputs) and the rows are stacked along dimension 0.
/// Columnar format, <c>{"inputs": ...}</c>: a tensor (single input) or an object of named tensors, each a nested
/// array whose nesting gives its shape. Element types come from the model.
/// </summary>
internal static class TfServingRequestReader
{
    /// <summary>Fills <paramref name="request"/>; returns true for the row format (answered with <c>predictions</c>).</summary>
    public static bool Read(ReadOnlySpan<byte> body, HttpInferenceRequest request)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = JsonTensorReader.MaxRank + 8 });
        Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject, "The body must be a JSON object.");
        bool? rowFormat = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("instances"u8))
            {
                reader.Read();
                ReadInstances(ref reader, request);
                rowFormat = true;
            }
            else if (reader.ValueTextEquals("inputs"u8))
            {
                reader.Read();
                ReadColumns(ref reader, request);
                rowFormat = false;
            }
            else
            {
                reader.Read();
                reader.Skip(); // signature_name and friends: one signature per model here
            }
        }

        Expect(rowFormat is not null, "The body needs 'instances' (row format) or 'inputs' (columnar format).");
        request.SelectAllOutputs();
        return rowFormat!.Value;
    }

    private static void ReadColumns(ref Utf8JsonReader reader, HttpInferenceRequest request)
    {
        ServingSignature signature = request.Signature;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            Expect(signature.Inputs.Length == 1, $"The model has {signature.Inputs.Length} inputs: 'inputs' must be an object naming them ({string.Join(", ", signature.Inputs.Select(static i => i.Name))}).");
            ReadTensor(ref reader, signature.Inputs[0], request.Inputs[0]);
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ServingTensor input = FindInput(signature, JsonNames.Get(ref reader));
            reader.Read();
            ReadTensor(ref reader, input, request.Inputs[input.Index]);
        }
    }

    private static void ReadInstances(ref Utf8JsonReader reader, HttpInferenceRequest request)
    {
        ServingSignature signature = request.Signature;
        Expect(reader.TokenType == JsonTokenType.StartArray, "'instances' must be an array of rows.");
        if (signature.Inputs.Length == 1)
        {
            // [row, row, ...] is itself the stacked tensor.
            ReadTensor(ref reader, signature.Inputs[0], request.Inputs[0]);
            return;
        }

        // [{"a": row, "b": row}, ...]: first pass finds each input's row shape, second pass copies the rows.
        Utf8JsonReader measuring = reader;
        long rowCount = 0;
        Span<long> stringBytes = signature.Inputs.Length <= 64 ? stackalloc long[signature.Inputs.Length] : new long[signature.Inputs.Length];
        stringBytes.Clear();
        Span<long> rowShape = stackalloc long[JsonTensorReader.MaxRank];
        while (measuring.Read() && measuring.TokenType == JsonTokenType.StartObject)
        {
            while (measuring.Read() && measuring.TokenType == JsonTokenType.PropertyName)
            {
                ServingTensor input = FindInput(signature, JsonNames.Get(ref measuring));
                measuring.Read();
                TensorBuffer tensor = request.Inputs[input.Index];
                int rank = JsonTensorReader.MeasureShape(measuring, rowShape, input.Name, input.IsString);
                Expect(rank + 1 == input.Rank, $"Input '{input.Name}' expects rank {input.Rank} {input.Info.ShapeText}; each instance needs rank {input.Rank - 1} but has {rank}.");
                if (rowCount == 0)
                {
                    rowShape[..rank].CopyTo(tensor.Shape.AsSpan(1));
                }
                else
                {
                    Expect(rowShape[..rank].SequenceEqual(tensor.Shape.AsSpan(1)), $"Instances of input '{input.Name}' differ in shape.");
                }

                if (input.IsString)
                {
                    stringBytes[input.Index] += JsonTensorReader.MaxStringBytes(measuring, TensorCopy.ByteCount(rowShape[..rank], 1));
                }

                measuring.Skip();
            }

            rowCount++;
        }

        Expect(rowCount > 0, "'instances' is empty.");
        foreach (ServingTensor input in signature.Inputs)
        {
            TensorBuffer tensor = request.Inputs[input.Index];
            tensor.Shape[0] = rowCount;
            long bytes = input.IsString ? stringBytes[input.Index] : TensorCopy.ByteCount(tensor.Shape, input.ElementSize);
            Expect(bytes <= int.MaxValue, $"Input '{input.Name}' is too large.");
            tensor.Allocate((int)bytes);
        }

        // String rows have no fixed size: each string input is appended at its own cursor.
        Span<int> cursors = stringBytes.Length <= 64 ? stackalloc int[stringBytes.Length] : new int[stringBytes.Length];
        cursors.Clear();
        long row = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                ServingTensor input = FindInput(signature, JsonNames.Get(ref reader));
                reader.Read();
                TensorBuffer tensor = request.Inputs[input.Index];
                if (input.IsString)
                {
                    long elements = TensorCopy.ByteCount(tensor.Shape.AsSpan(1), 1);
                    cursors[input.Index] += JsonTensorReader.ReadStrings(ref reader, tensor.Data[cursors[input.Index]..], elements, input.Name);
                }
                else
                {
                    long rowBytes = tensor.Length / rowCount;
                    JsonTensorReader.ReadFlattened(ref reader, input.ElementType, tensor.Data.Slice((int)(row * rowBytes), (int)rowBytes), input.Name);
                }

                tensor.IsSet = true;
            }

            row++;
        }

        foreach (ServingTensor input in signature.Inputs)
        {
            if (input.IsString && request.Inputs[input.Index].IsSet)
            {
                request.Inputs[input.Index].Truncate(cursors[input.Index]);
            }
        }
    }

    private static void ReadTensor(ref Utf8JsonReader reader, ServingTensor input, TensorBuffer tensor)
    {
        Expect(!tensor.IsSet, $"Input '{input.Name}' is given twice.");
        Span<long> shape = stackalloc long[JsonTensorReader.MaxRank];
        int rank = JsonTensorReader.MeasureShape(reader, shape, input.Name, input.IsString);
        if (rank != input.Rank)
        {
            throw InferenceException.BadRequest($"Input '{input.Name}' expects rank {input.Rank} {input.Info.ShapeText} but the data has shape {ServingSignature.FormatShape(shape[..rank])}.");
        }

        shape[..rank].CopyTo(tensor.Shape);
        if (input.IsString)
        {
            long elements = TensorCopy.ByteCount(shape[..rank], 1);
            long maxBytes = JsonTensorReader.MaxStringBytes(reader, elements);
            Expect(maxBytes <= int.MaxValue, $"Input '{input.Name}' is too large.");
            tensor.Truncate(JsonTensorReader.ReadStrings(ref reader, tensor.Allocate((int)maxBytes), elements, input.Name));
        }
        else
        {
            long bytes = TensorCopy.ByteCount(shape[..rank], input.ElementSize);
            Expect(bytes <= int.MaxValue, $"Input '{input.Name}' is too large.");
            JsonTensorReader.ReadFlattened(ref reader, input.ElementType, tensor.Allocate((int)bytes), input.Name);
        }

        tensor.IsSet = true;
    }

    private static ServingTensor FindInput(ServingSignature signature, string name) =>
        signature.FindInput(name) ?? throw InferenceException.BadRequest($"The model has no input named '{name}'; its inputs are: {string.Join(", ", signature.Inputs.Select(static i => i.Name))}.");

    private static void Expect(bool condition, string message)
    {
        if (!condition)
        {
            throw InferenceException.BadRequest(message);
        }
    }
}
