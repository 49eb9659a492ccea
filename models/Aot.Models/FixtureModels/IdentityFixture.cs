using Aot.Models.Onnx;
using Aot.Protocol;

namespace Aot.Models.FixtureModels;

/// <summary><c>y = Identity(x)</c>, x and y [batch, 3] of one element type: proves each type binds and round-trips.</summary>
internal static class IdentityFixture
{
    /// <summary>Every tensor element type ONNX Runtime's CPU provider runs Identity on (and the typed API maps).</summary>
    public static IReadOnlyList<ElementType> ElementTypes { get; } =
    [
        ElementType.Float, ElementType.Double, ElementType.Float16, ElementType.BFloat16,
        ElementType.Int8, ElementType.Int16, ElementType.Int32, ElementType.Int64,
        ElementType.UInt8, ElementType.UInt16, ElementType.UInt32, ElementType.UInt64,
        ElementType.Bool, ElementType.String,
    ];

    public static string Name(ElementType elementType) => $"identity-{elementType.ToString().ToLowerInvariant()}";

    public static OnnxModel Build(ElementType elementType) => new(new OnnxGraph($"identity_{elementType.ToString().ToLowerInvariant()}")
    {
        Nodes = [new OnnxNode("Identity", ["x"], ["y"]) { Name = "identity" }],
        Inputs = [OnnxValueInfo.Tensor("x", elementType, "batch", 3)],
        Outputs = [OnnxValueInfo.Tensor("y", elementType, "batch", 3)],
    });
}
