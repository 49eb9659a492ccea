using Aot.Generators.Onnx;

namespace Aot.Fuzz.Targets;

/// <summary>
/// The generator's ONNX reader (generators/Shared): <see cref="OnnxMetadataReader"/> over the file's bytes, then the
/// manifest the build task writes from it and the source generator parses back, which must come back the same.
/// Documented refusal: <see cref="OnnxFormatException"/>, which the build turns into a manifest error and a
/// diagnostic naming the file. (<c>aot inspect</c> loads models through ONNX Runtime's own parser, not this one.)
/// </summary>
internal sealed class OnnxMetadataTarget : FuzzTarget
{
    private const string ModelPath = "/fuzz/model.onnx";

    public override string Name => "onnx-metadata";

    public override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        OnnxModelInfo model;
        try
        {
            using var stream = new MemoryStream(input.ToArray(), writable: false);
            model = OnnxMetadataReader.Read(stream);
        }
        catch (OnnxFormatException)
        {
            return FuzzOutcome.Refused;
        }

        string manifest = OnnxManifest.Write(ModelPath, model);
        OnnxManifestContent parsed = OnnxManifest.Parse(manifest);
        if (parsed.Model is null || OnnxManifest.Write(ModelPath, parsed.Model) != manifest)
        {
            throw new InvalidOperationException($"The manifest does not read back as written:\n{manifest}");
        }

        return FuzzOutcome.Accepted;
    }
}
