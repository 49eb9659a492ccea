using System.Buffers;
using Aot.Protocol;
using Aot.Server.Batching;
using Aot.Server.Models;
using Google.Protobuf;
using Inference;

namespace Aot.Server.Grpc;

/// <summary>
/// Reads a <c>ModelInferRequest</c> into a <see cref="GrpcInferenceRequest"/>: each input's name, datatype and shape,
/// and its values from <c>raw_input_contents</c> (the fast path: the bytes are lent to the batch, which copies them
/// once into the runner's buffers) or from the typed <c>contents</c>; then the requested outputs. Anything that does
/// not fit the model is a bad request naming the input and what was expected (the batcher checks the rest).
/// </summary>
internal static class GrpcRequestReader
{
    /// <summary>Fills <paramref name="request"/> from <paramref name="message"/> and decides the answer's form.</summary>
    public static void Read(ModelInferRequest message, GrpcInferenceRequest request)
    {
        ServingSignature signature = request.Signature;
        int rawCount = message.RawInputContents.Count;
        bool raw = rawCount > 0;
        if (raw && rawCount != message.Inputs.Count)
        {
            throw InferenceException.BadRequest($"raw_input_contents has {rawCount} entries but the request has {message.Inputs.Count} inputs; give one per input, in the same order, or none.");
        }

        for (int i = 0; i < message.Inputs.Count; i++)
        {
            ReadInput(message.Inputs[i], raw ? message.RawInputContents[i] : null, i, request);
        }

        foreach (ModelInferRequest.Types.InferRequestedOutputTensor wanted in message.Outputs)
        {
            ServingTensor output = signature.FindOutput(wanted.Name)
                ?? throw InferenceException.BadRequest($"The model has no output named '{wanted.Name}'; its outputs are: {string.Join(", ", signature.Outputs.Select(static o => o.Name))}.");
            request.SelectedOutputs[output.Index] = true;
        }

        if (message.Outputs.Count == 0)
        {
            request.SelectAllOutputs();
        }

        // An answer is all raw or all typed (the protocol allows no mix): raw when the request was, or when an output's
        // datatype (FP16, BF16) has no typed field.
        bool answersRaw = raw;
        for (int o = 0; o < signature.Outputs.Length && !answersRaw; o++)
        {
            answersRaw = request.SelectedOutputs[o] && TypedContents.FieldName(signature.Outputs[o].ElementType) is null;
        }

        request.AnswersRaw = answersRaw;
    }

    private static void ReadInput(ModelInferRequest.Types.InferInputTensor given, ByteString? raw, int position, GrpcInferenceRequest request)
    {
        ServingSignature signature = request.Signature;
        string name = given.Name;
        ServingTensor input = signature.FindInput(name)
            ?? throw InferenceException.BadRequest($"The model has no input named '{name}'; its inputs are: {string.Join(", ", signature.Inputs.Select(static i => i.Name))}.");
        if (!ElementTypes.TryParseKServeName(given.Datatype, out ElementType type) || type != input.ElementType)
        {
            throw InferenceException.BadRequest($"Input '{name}' expects datatype {input.DataTypeName} but got '{given.Datatype}'.");
        }

        if (given.Shape.Count != input.Rank)
        {
            throw InferenceException.BadRequest($"Input '{name}' expects rank {input.Rank} {input.Info.ShapeText} but got shape {ServingSignature.FormatShape([.. given.Shape])}.");
        }

        TensorBuffer tensor = request.Inputs[input.Index];
        if (tensor.IsSet)
        {
            throw InferenceException.BadRequest($"Input '{name}' is given twice.");
        }

        Span<long> shape = tensor.Shape;
        for (int d = 0; d < shape.Length; d++)
        {
            shape[d] = given.Shape[d];
        }

        long elements = 1;
        foreach (long d in shape)
        {
            if (d < 0)
            {
                throw InferenceException.BadRequest($"Input '{name}' has shape {ServingSignature.FormatShape(shape)}; dimensions must not be negative.");
            }

            elements = d == 0 || elements == 0 ? 0 : elements > int.MaxValue / d ? int.MaxValue : elements * d;
        }

        if (raw is null)
        {
            TypedContents.Read(given.Contents, type, elements, tensor, name);
        }
        else
        {
            if (given.Contents is not null && !IsEmpty(given.Contents))
            {
                throw InferenceException.BadRequest($"Input '{name}' has both contents and raw_input_contents[{position}]; with raw_input_contents every input's contents must be empty.");
            }

            if (input.IsString)
            {
                // BYTES: 4-byte little-endian length + bytes per element, the server's own string form; the batcher
                // checks the element count.
                raw.Span.CopyTo(tensor.Allocate(raw.Length));
            }
            else
            {
                long expected = elements * input.ElementSize;
                if (raw.Length != expected)
                {
                    throw InferenceException.BadRequest($"Input '{name}' with shape {ServingSignature.FormatShape(shape)} and datatype {input.DataTypeName} needs {(elements == int.MaxValue ? "too many" : expected.ToString(System.Globalization.CultureInfo.InvariantCulture))} bytes but raw_input_contents[{position}] has {raw.Length}.");
                }

                // Lent, not copied: the message outlives the request (the handler awaits it), and the batch copies the
                // bytes straight into the runner's buffers.
                tensor.Borrow(new ReadOnlySequence<byte>(raw.Memory));
            }
        }

        tensor.IsSet = true;
    }

    private static bool IsEmpty(InferTensorContents contents) => contents.CalculateSize() == 0;
}
