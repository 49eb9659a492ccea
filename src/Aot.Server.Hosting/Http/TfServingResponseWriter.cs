using System.Text.Json;
using Aot.Server.Batching;
using Aot.Server.Models;
using Aot.Protocol;

namespace Aot.Server.Http;

/// <summary>
/// Writes a TF Serving <c>:predict</c> answer: <c>predictions</c> (one entry per row; an object per row when the
/// model has several outputs) for the row format, <c>outputs</c> (a tensor, or an object of named tensors) for the
/// columnar format. Values are nested by shape.
/// </summary>
internal static class TfServingResponseWriter
{
    public static void Write(HttpInferenceRequest request, bool rowFormat)
    {
        Utf8JsonWriter json = request.Json;
        ServingTensor[] outputs = request.Signature.Outputs;
        json.WriteStartObject();
        if (!rowFormat)
        {
            json.WritePropertyName("outputs"u8);
            if (outputs.Length == 1)
            {
                WriteTensor(json, outputs[0], request.Outputs[0]);
            }
            else
            {
                json.WriteStartObject();
                for (int o = 0; o < outputs.Length; o++)
                {
                    json.WritePropertyName(outputs[o].Name);
                    WriteTensor(json, outputs[o], request.Outputs[o]);
                }

                json.WriteEndObject();
            }
        }
        else if (outputs.Length == 1)
        {
            json.WritePropertyName("predictions"u8);
            WriteTensor(json, outputs[0], request.Outputs[0]);
        }
        else
        {
            json.WriteStartArray("predictions"u8);
            long rows = request.Outputs[0].Shape.Length > 0 ? request.Outputs[0].Shape[0] : 1;
            Span<int> stringOffsets = outputs.Length <= 64 ? stackalloc int[outputs.Length] : new int[outputs.Length];
            stringOffsets.Clear();
            for (long row = 0; row < rows; row++)
            {
                json.WriteStartObject();
                for (int o = 0; o < outputs.Length; o++)
                {
                    TensorBuffer tensor = request.Outputs[o];
                    json.WritePropertyName(outputs[o].Name);
                    if (tensor.Shape.Length == 0)
                    {
                        JsonTensorWriter.WriteNested(json, outputs[o].ElementType, tensor.Data, tensor.Shape);
                        continue;
                    }

                    if (outputs[o].IsString)
                    {
                        // Rows of strings differ in size: walk this output's elements row by row.
                        var strings = new StringTensor.Reader(tensor.Data[stringOffsets[o]..]);
                        int before = strings.Remaining;
                        JsonTensorWriter.WriteNestedStrings(json, ref strings, tensor.Shape.AsSpan(1));
                        stringOffsets[o] += before - strings.Remaining;
                        continue;
                    }

                    long rowBytes = tensor.Length / Math.Max(1, tensor.Shape[0]);
                    JsonTensorWriter.WriteNested(json, outputs[o].ElementType, tensor.Data.Slice((int)(row * rowBytes), (int)rowBytes), tensor.Shape.AsSpan(1));
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        json.Flush();
    }

    private static void WriteTensor(Utf8JsonWriter json, ServingTensor output, TensorBuffer tensor) =>
        JsonTensorWriter.WriteNested(json, output.ElementType, tensor.Data, tensor.Shape);
}
