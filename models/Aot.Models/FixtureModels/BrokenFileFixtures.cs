using Aot.Models.Onnx;
using Aot.Models.Synthetic;

namespace Aot.Models.FixtureModels;

/// <summary>Files that are not valid models, to check that loaders fail with a clear error rather than crash.</summary>
internal static class BrokenFileFixtures
{
    public const string CorruptName = "corrupt";
    public const string TruncatedName = "truncated";

    /// <summary>
    /// A valid start (<c>ir_version = 8</c>) followed by a field key with wire type 7, which does not exist in
    /// protobuf, then plain text: every protobuf parser must reject it.
    /// </summary>
    public static byte[] Corrupt() => [0x08, 0x08, 0x3F, .. "this is not an ONNX model\n"u8];

    /// <summary>The first half of a valid model that has weights: cut in the middle of the graph.</summary>
    public static byte[] Truncated()
    {
        var bytes = OnnxWriter.ToBytes(TinyModel.Build(new TinyOptions { Features = 16, Seed = 1 }));
        return bytes[..(bytes.Length / 2)];
    }
}
