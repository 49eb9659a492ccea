using Aot.Runtime;
using Onnx;

namespace Aot.Quantization.Tests;

/// <summary>Running test models with Aot.Runtime, and a temporary folder per test.</summary>
internal static class TestRun
{
    public static float[] Output(string path, IReadOnlyDictionary<string, SampleTensor> sample, int output = 0)
    {
        using OnnxModel model = OnnxModel.Load(path, new ModelOptions { IntraOpThreads = 1 });
        using ModelRunner runner = model.CreateRunner();
        SampleRunner.SetInputs(runner, sample);
        runner.Run();
        return SampleRunner.FloatOutput(runner, output);
    }

    public static SampleSet Samples(string path, int count, int seed)
    {
        using OnnxModel model = OnnxModel.Load(path, new ModelOptions { Optimization = GraphOptimization.None, IntraOpThreads = 1 });
        return SampleSet.Generate(model.Metadata.Inputs, count, seed, InputBounds.Read(path));
    }

    public static Dictionary<string, int> OpCounts(string path) =>
        OnnxFile.Load(path, out _).Graph.Node.GroupBy(static n => n.OpType).ToDictionary(static g => g.Key, static g => g.Count());

    public static ModelProto Load(string path) => OnnxFile.Load(path, out _);
}

/// <summary>A fresh folder under the temp directory, deleted with the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "aot-quant-tests-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
