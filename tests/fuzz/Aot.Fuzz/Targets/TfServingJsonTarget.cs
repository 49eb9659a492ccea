using Aot.Server.Http;

namespace Aot.Fuzz.Targets;

/// <summary>TF Serving <c>POST /v1/models/{model}:predict</c>: <see cref="TfServingRequestReader"/> over the JSON body (row and column formats).</summary>
internal sealed class TfServingJsonTarget : HttpTensorTarget
{
    public override string Name => "tfserving-json";

    protected override void Read(ReadOnlySpan<byte> body, HttpInferenceRequest request) => TfServingRequestReader.Read(body, request);
}
