using System.Globalization;
using Aot.Server.Http;

namespace Aot.Fuzz.Targets;

/// <summary>
/// KServe V2 <c>POST /v2/models/{model}/infer</c>: <see cref="KServeRequestReader"/> over the JSON body and the binary
/// tensor data extension. Input: the body; a body that starts with a decimal and a newline (<c>42\n...</c>) carries
/// that number as its <c>Inference-Header-Content-Length</c>: the JSON is its first 42 bytes, binary tensors follow.
/// </summary>
internal sealed class KServeJsonTarget : HttpTensorTarget
{
    public override string Name => "kserve-json";

    protected override void Read(ReadOnlySpan<byte> body, HttpInferenceRequest request)
    {
        ReadOnlySpan<byte> json = body;
        ReadOnlySpan<byte> binary = default;
        int newline = body.IndexOf((byte)'\n');
        if (newline > 0 && char.IsAsciiDigit((char)body[0]))
        {
            // HttpApi's check of the header, on the header's text.
            string headerLength = System.Text.Encoding.ASCII.GetString(body[..newline]);
            json = body[(newline + 1)..];
            if (!int.TryParse(headerLength, NumberStyles.None, CultureInfo.InvariantCulture, out int jsonLength) || jsonLength > json.Length)
            {
                throw Server.Batching.InferenceException.BadRequest($"Inference-Header-Content-Length must be a byte count no larger than the body ({json.Length}).");
            }

            binary = json[jsonLength..];
            json = json[..jsonLength];
        }

        KServeRequestReader.Read(json, binary, request, binaryByDefault: false);
    }
}
