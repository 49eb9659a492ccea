using Aot.Models.Onnx;
using Aot.Protocol;

namespace Aot.Models.FixtureModels;

/// <summary>
/// Names that are not C# identifiers, keywords, or that collide once sanitised: inputs <c>input:0</c>,
/// <c>2nd-input</c>, <c>class</c>, <c>half out</c>; outputs (Identity of each, in order) <c>output:0</c>,
/// <c>2nd-output</c>, <c>namespace</c>, <c>half_out</c>. All float [batch, 2].
/// </summary>
internal static class OddNamesFixture
{
    public const string Name = "odd-names";

    private static readonly (string Input, string Output)[] Pairs =
    [
        ("input:0", "output:0"),
        ("2nd-input", "2nd-output"),
        ("class", "namespace"),
        ("half out", "half_out"),
    ];

    public static OnnxModel Build() => new(new OnnxGraph("odd_names")
    {
        Nodes = [.. Pairs.Select((p, i) => new OnnxNode("Identity", [p.Input], [p.Output]) { Name = $"identity_{i}" })],
        Inputs = [.. Pairs.Select(p => OnnxValueInfo.Tensor(p.Input, ElementType.Float, "batch", 2))],
        Outputs = [.. Pairs.Select(p => OnnxValueInfo.Tensor(p.Output, ElementType.Float, "batch", 2))],
    });
}
