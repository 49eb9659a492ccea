using Aot.Models;
using Aot.Models.Onnx;
using Aot.Protocol;

namespace Aot.Runtime.Tests;

/// <summary>Model files for tests: shared ones from the models/ layer, and small graphs built per test.</summary>
internal static class TestModels
{
    private static readonly string s_directory = Directory.CreateTempSubdirectory("aot-runtime-tests-").FullName;

    /// <summary>A named model from the models/ layer (fetched or generated on first use, then cached).</summary>
    public static string Path(string name) => ModelStore.GetPath(name);

    /// <summary>Writes a graph built by the test and returns its path.</summary>
    public static string Write(string fileName, OnnxGraph graph, Func<Aot.Models.Onnx.OnnxModel, Aot.Models.Onnx.OnnxModel>? configure = null)
    {
        var model = new Aot.Models.Onnx.OnnxModel(graph);
        model = configure?.Invoke(model) ?? model;
        string path = System.IO.Path.Combine(s_directory, fileName);
        OnnxWriter.WriteFile(model, path);
        return path;
    }

    /// <summary>One node from inputs to outputs: the usual shape of a test model.</summary>
    public static string SingleOp(string fileName, string op, OnnxValueInfo[] inputs, OnnxValueInfo[] outputs, params OnnxAttribute[] attributes) =>
        Write(fileName, new OnnxGraph("test")
        {
            Nodes = [new OnnxNode(op, inputs.Select(i => i.Name).ToArray(), outputs.Select(o => o.Name).ToArray()) { Attributes = attributes }],
            Inputs = inputs,
            Outputs = outputs,
        });

    /// <summary>Relu over x [batch, 8] whose output y declares no dimensions: its shape must be learned.</summary>
    public static string ReluWithUnknownOutput(string fileName) =>
        SingleOp(fileName, "Relu",
            [OnnxValueInfo.Tensor("x", ElementType.Float, "batch", 8)],
            [OnnxValueInfo.Tensor("y", ElementType.Float, OnnxDimension.Unknown, OnnxDimension.Unknown)]);

    /// <summary>NonZero over x [<paramref name="length"/>]: the output's length depends on the values, not the shape.</summary>
    public static string NonZero(string fileName, OnnxDimension length) =>
        SingleOp(fileName, "NonZero",
            [OnnxValueInfo.Tensor("x", ElementType.Float, length)],
            [OnnxValueInfo.Tensor("indices", ElementType.Int64, 1, "count")]);

    public static string Identity(ElementType type, params OnnxDimension[] shape) =>
        SingleOp($"identity-{type}-{string.Join('x', shape)}.onnx", "Identity",
            [OnnxValueInfo.Tensor("x", type, shape)], [OnnxValueInfo.Tensor("y", type, shape)]);
}
