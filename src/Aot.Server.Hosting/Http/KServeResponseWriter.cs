using System.Text.Json;
using Aot.Server.Batching;
using Aot.Server.Models;
using Aot.Protocol;

namespace Aot.Server.Http;

/// <summary>Writes a KServe V2 infer response: JSON outputs with flat data, or binary_data_size entries for binary outputs.</summary>
internal static class KServeResponseWriter
{
    /// <summary>Writes the JSON part into the request's body writer; returns the bytes of binary data to append after it.</summary>
    public static long WriteJson(HttpInferenceRequest request, string? id)
    {
        Utf8JsonWriter json = request.Json;
        ServedModel model = request.Model;
        long binaryBytes = 0;
        json.WriteStartObject();
        json.WriteString("model_name"u8, model.Name);
        json.WriteString("model_version"u8, model.VersionText);
        if (id is not null)
        {
            json.WriteString("id"u8, id);
        }

        json.WriteStartArray("outputs"u8);
        ServingTensor[] outputs = model.Signature.Outputs;
        for (int o = 0; o < outputs.Length; o++)
        {
            if (!request.SelectedOutputs[o])
            {
                continue;
            }

            TensorBuffer tensor = request.Outputs[o];
            json.WriteStartObject();
            json.WriteString("name"u8, outputs[o].Name);
            json.WriteString("datatype"u8, outputs[o].DataTypeName);
            json.WriteStartArray("shape"u8);
            foreach (long d in tensor.Shape)
            {
                json.WriteNumberValue(d);
            }

            json.WriteEndArray();
            if (request.BinaryOutputs[o])
            {
                json.WriteStartObject("parameters"u8);
                json.WriteNumber("binary_data_size"u8, tensor.Length);
                json.WriteEndObject();
                binaryBytes += tensor.Length;
            }
            else
            {
                json.WritePropertyName("data"u8);
                JsonTensorWriter.WriteFlat(json, outputs[o].ElementType, tensor.Data);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        return binaryBytes;
    }
}
