using Aot.Generators.Onnx;
using Aot.Generators.Tests.Onnx;
using BenchmarkDotNet.Attributes;

namespace Aot.Generators.Bench;

/// <summary>
/// Reading a ~100 MB model's metadata the way the build task does (seeking over weights), against the floor of
/// reading the file through once, which is what any full protobuf parse costs at least.
/// </summary>
[MemoryDiagnoser]
public class ReaderBenchmarks
{
    private string _path = "";

    [GlobalSetup]
    public void Setup()
    {
        // MiniLM's signature plus 100 MB of weights spread over 100 initializers, each behind a node: the layout of an exported transformer.
        OnnxModelBuilder model = TestModels.MiniLmLike();
        for (int i = 0; i < 100; i++)
        {
            model.LargeInitializer("encoder.layer." + i + ".weight", 1L << 20);
            model.Node("MatMul", new[] { "h" + i, "encoder.layer." + i + ".weight" }, new[] { "h" + (i + 1) });
        }

        _path = Path.Combine(Path.GetTempPath(), "aot-bench-100mb.onnx");
        model.WriteTo(_path);
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    [Benchmark(Baseline = true, Description = "read the whole file (floor of a full parse)")]
    public long ReadWholeFile()
    {
        using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        byte[] buffer = new byte[1 << 20];
        long total = 0;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            total += read;
        }

        return total;
    }

    [Benchmark(Description = "OnnxMetadataReader.Read")]
    public int ReadMetadata()
    {
        using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.RandomAccess);
        return OnnxMetadataReader.Read(stream).Inputs.Count;
    }

    [Benchmark(Description = "read + write manifest (the build task)")]
    public int ReadAndWriteManifest()
    {
        using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.RandomAccess);
        return OnnxManifest.Write(_path, OnnxMetadataReader.Read(stream)).Length;
    }
}
