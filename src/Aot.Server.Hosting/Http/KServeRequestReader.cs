using System.Diagnostics;
using System.Text.Json;
using Aot.Runtime;
using Aot.Server.Batching;
using Aot.Server.Models;
using Aot.Protocol;

namespace Aot.Server.Http;

/// <summary>
/// Parses an Open Inference Protocol (KServe V2) infer request body into an <see cref="HttpInferenceRequest"/>:
/// <c>id</c>, <c>parameters</c> (<c>timeout</c> in µs, <c>binary_data_output</c>), <c>inputs</c> (name, shape,
/// datatype, data flat or nested, or <c>parameters.binary_data_size</c> bytes taken in order from the binary
/// section after the JSON) and the optional <c>outputs</c> selection. Properties may come in any order.
/// </summary>
internal static class KServeRequestReader
{
    /// <summary>Fills <paramref name="request"/>; returns the request's <c>id</c> (null when absent).</summary>
    public static string? Read(ReadOnlySpan<byte> json, ReadOnlySpan<byte> binary, HttpInferenceRequest request, bool binaryByDefault)
    {
        ServingSignature signature = request.Signature;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = JsonTensorReader.MaxRank + 8 });
        Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject, "The body must be a JSON object.");
        string? id = null;
        bool sawInputs = false;
        bool selectedAny = false;
        int binaryOffset = 0;
        bool binaryOutputs = binaryByDefault;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                id = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                reader.Read();
                ReadParameters(ref reader, request, ref binaryOutputs);
            }
            else if (reader.ValueTextEquals("inputs"u8))
            {
                reader.Read();
                Expect(reader.TokenType == JsonTokenType.StartArray, "'inputs' must be an array.");
                while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    ReadInput(ref reader, json, binary, ref binaryOffset, request);
                }

                sawInputs = true;
            }
            else if (reader.ValueTextEquals("outputs"u8))
            {
                reader.Read();
                Expect(reader.TokenType == JsonTokenType.StartArray, "'outputs' must be an array.");
                while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    ReadOutput(ref reader, request, binaryByDefault);
                    selectedAny = true;
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        Expect(sawInputs, "The request has no 'inputs'.");
        if (binaryOffset != binary.Length)
        {
            throw InferenceException.BadRequest($"The binary section has {binary.Length} bytes but the inputs' binary_data_size add up to {binaryOffset}.");
        }

        if (!selectedAny)
        {
            request.SelectAllOutputs();
            Array.Fill(request.BinaryOutputs, binaryOutputs);
        }

        return id;
    }

    private static void ReadParameters(ref Utf8JsonReader reader, HttpInferenceRequest request, ref bool binaryOutputs)
    {
        Expect(reader.TokenType == JsonTokenType.StartObject, "'parameters' must be an object.");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("timeout"u8))
            {
                reader.Read();
                Expect(reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long micros) && micros >= 0, "'parameters.timeout' must be a whole number of microseconds.");
                reader.TryGetInt64(out long timeout);
                if (timeout > 0)
                {
                    request.DeadlineAt = request.ReceivedAt + (long)(timeout * (Stopwatch.Frequency / 1e6));
                }
            }
            else if (reader.ValueTextEquals("binary_data_output"u8))
            {
                reader.Read();
                binaryOutputs = reader.TokenType == JsonTokenType.True;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static void ReadInput(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ReadOnlySpan<byte> binary, ref int binaryOffset, HttpInferenceRequest request)
    {
        string? name = null;
        string? datatype = null;
        Span<long> shape = stackalloc long[JsonTensorReader.MaxRank];
        int rank = -1;
        long dataStart = -1;
        long dataEnd = -1;
        long binarySize = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                Expect(reader.TokenType == JsonTokenType.String, "An input's 'name' must be a string.");
                name = JsonNames.Get(ref reader);
            }
            else if (reader.ValueTextEquals("datatype"u8))
            {
                reader.Read();
                Expect(reader.TokenType == JsonTokenType.String, "An input's 'datatype' must be a string.");
                datatype = JsonNames.Get(ref reader);
            }
            else if (reader.ValueTextEquals("shape"u8))
            {
                reader.Read();
                Expect(reader.TokenType == JsonTokenType.StartArray, "An input's 'shape' must be an array of integers.");
                rank = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    Expect(rank < shape.Length, $"An input's shape has more than {shape.Length} dimensions.");
                    Expect(reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out shape[rank]) && shape[rank] >= 0, "An input's 'shape' must hold non-negative integers.");
                    rank++;
                }
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                dataStart = reader.TokenStartIndex;
                reader.Skip(); // parsed once the datatype and shape are known (they may come later)
                dataEnd = reader.BytesConsumed;
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                reader.Read();
                Expect(reader.TokenType == JsonTokenType.StartObject, "An input's 'parameters' must be an object.");
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    bool isSize = reader.ValueTextEquals("binary_data_size"u8);
                    reader.Read();
                    if (isSize)
                    {
                        Expect(reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out binarySize) && binarySize >= 0, "'binary_data_size' must be a non-negative integer.");
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        Expect(name is not null, "An input has no 'name'.");
        ServingSignature signature = request.Signature;
        ServingTensor input = signature.FindInput(name!)
            ?? throw InferenceException.BadRequest($"The model has no input named '{name}'; its inputs are: {string.Join(", ", signature.Inputs.Select(static i => i.Name))}.");
        Expect(datatype is not null, $"Input '{name}' has no 'datatype'.");
        if (!ElementTypes.TryParseKServeName(datatype!, out ElementType type) || type != input.ElementType)
        {
            throw InferenceException.BadRequest($"Input '{name}' expects datatype {input.DataTypeName} but got {datatype}.");
        }

        Expect(rank >= 0, $"Input '{name}' has no 'shape'.");
        if (rank != input.Rank)
        {
            throw InferenceException.BadRequest($"Input '{name}' expects rank {input.Rank} {input.Info.ShapeText} but got shape {ServingSignature.FormatShape(shape[..rank])}.");
        }

        TensorBuffer tensor = request.Inputs[input.Index];
        Expect(!tensor.IsSet, $"Input '{name}' is given twice.");
        shape[..rank].CopyTo(tensor.Shape);
        long elements = 1;
        foreach (long d in shape[..rank])
        {
            elements = d == 0 || elements == 0 ? 0 : elements > long.MaxValue / d / 16 ? long.MaxValue / 16 : elements * d;
        }

        long bytes = elements * input.ElementSize;
        if (binarySize >= 0)
        {
            if (binarySize != bytes && !input.IsString) // BYTES: element count checked with the data (Validate)
            {
                throw InferenceException.BadRequest($"Input '{name}' with shape {ServingSignature.FormatShape(shape[..rank])} and datatype {datatype} needs {bytes} bytes but binary_data_size is {binarySize}.");
            }

            if (binaryOffset + binarySize > binary.Length)
            {
                throw InferenceException.BadRequest($"Input '{name}' needs {binarySize} bytes of binary data but only {binary.Length - binaryOffset} remain after the JSON header.");
            }

            binary.Slice(binaryOffset, (int)binarySize).CopyTo(tensor.Allocate((int)binarySize));
            binaryOffset += (int)binarySize;
        }
        else
        {
            Expect(dataStart >= 0, $"Input '{name}' has neither 'data' nor parameters.binary_data_size.");

            // Every JSON value takes at least one byte: a shape needing more values than the body has bytes is a
            // lie, refused before anything is allocated for it.
            if (elements > json.Length)
            {
                throw InferenceException.BadRequest($"Input '{name}' with shape {ServingSignature.FormatShape(shape[..rank])} needs {(elements == long.MaxValue / 16 ? "too many" : elements.ToString(System.Globalization.CultureInfo.InvariantCulture))} values; the body cannot hold that many.");
            }

            var dataReader = new Utf8JsonReader(json[(int)dataStart..(int)dataEnd], new JsonReaderOptions { MaxDepth = JsonTensorReader.MaxRank + 8 });
            dataReader.Read();
            if (input.IsString)
            {
                long maxBytes = JsonTensorReader.MaxStringBytes(dataReader, elements);
                Expect(maxBytes <= int.MaxValue, $"Input '{name}' is too large.");
                tensor.Truncate(JsonTensorReader.ReadStrings(ref dataReader, tensor.Allocate((int)maxBytes), elements, name!));
            }
            else
            {
                JsonTensorReader.ReadFlattened(ref dataReader, type, tensor.Allocate((int)bytes), name!);
            }
        }

        tensor.IsSet = true;
    }

    private static void ReadOutput(ref Utf8JsonReader reader, HttpInferenceRequest request, bool binaryByDefault)
    {
        string? name = null;
        bool binary = binaryByDefault;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                name = reader.TokenType == JsonTokenType.String ? JsonNames.Get(ref reader) : null;
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                reader.Read();
                Expect(reader.TokenType == JsonTokenType.StartObject, "An output's 'parameters' must be an object.");
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    bool isBinary = reader.ValueTextEquals("binary_data"u8);
                    reader.Read();
                    if (isBinary)
                    {
                        binary = reader.TokenType == JsonTokenType.True;
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        Expect(name is not null, "A requested output has no 'name'.");
        ServingTensor output = request.Signature.FindOutput(name!)
            ?? throw InferenceException.BadRequest($"The model has no output named '{name}'; its outputs are: {string.Join(", ", request.Signature.Outputs.Select(static o => o.Name))}.");
        request.SelectedOutputs[output.Index] = true;
        request.BinaryOutputs[output.Index] = binary;
    }

    private static void Expect(bool condition, string message)
    {
        if (!condition)
        {
            throw InferenceException.BadRequest(message);
        }
    }
}
