using Aot.Models.Onnx;
using Aot.Protocol;

namespace Aot.Models.FixtureModels;

/// <summary>
/// Every kind of dimension, each input passed through Identity to the output of the same shape:
/// <c>symbolic</c> [batch, sequence], <c>unknown</c> [?, 3] (a dim with neither value nor symbol),
/// <c>empty</c> [0, 4] (a zero dim) and <c>scalar</c> [] (rank 0).
/// </summary>
internal static class ShapesFixture
{
    public const string Name = "shapes";

    private static readonly (string Name, OnnxDimension[] Shape)[] Values =
    [
        ("symbolic", ["batch", "sequence"]),
        ("unknown", [OnnxDimension.Unknown, 3]),
        ("empty", [0, 4]),
        ("scalar", []),
    ];

    public static OnnxModel Build() => new(new OnnxGraph("shapes")
    {
        Nodes = [.. Values.Select(v => new OnnxNode("Identity", [v.Name], [$"{v.Name}_out"]) { Name = $"{v.Name}_identity" })],
        Inputs = [.. Values.Select(v => OnnxValueInfo.Tensor(v.Name, ElementType.Float, v.Shape))],
        Outputs = [.. Values.Select(v => OnnxValueInfo.Tensor($"{v.Name}_out", ElementType.Float, v.Shape))],
    });
}
