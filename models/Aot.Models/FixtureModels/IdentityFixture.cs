using Aot.Models.Onnx;

namespace Aot.Models.FixtureModels;

/// <summary><c>y = Identity(x)</c>, x and y [batch, 3] of one element type: proves each type binds and round-trips.</summary>
internal static class IdentityFixture
{
    /// <summary>Every tensor element type ONNX Runtime's CPU provider runs Identity on (and the typed API maps).</summary>
    public static IReadOnlyList<OnnxDataType> ElementTypes { get; } =
    [
        OnnxDataType.Float, OnnxDataType.Double, OnnxDataType.Float16, OnnxDataType.BFloat16,
        OnnxDataType.Int8, OnnxDataType.Int16, OnnxDataType.Int32, OnnxDataType.Int64,
        OnnxDataType.UInt8, OnnxDataType.UInt16, OnnxDataType.UInt32, OnnxDataType.UInt64,
        OnnxDataType.Bool, OnnxDataType.String,
    ];

    public static string Name(OnnxDataType elementType) => $"identity-{elementType.ToString().ToLowerInvariant()}";

    public static OnnxModel Build(OnnxDataType elementType) => new(new OnnxGraph($"identity_{elementType.ToString().ToLowerInvariant()}")
    {
        Nodes = [new OnnxNode("Identity", ["x"], ["y"]) { Name = "identity" }],
        Inputs = [OnnxValueInfo.Tensor("x", elementType, "batch", 3)],
        Outputs = [OnnxValueInfo.Tensor("y", elementType, "batch", 3)],
    });
}
