using Aot.Protocol;
using System.Text.Json;
using Aot.Runtime;

namespace Aot.Quantization.Tests;

public sealed class ReportTests
{
    [Fact]
    public void A_model_against_itself_has_no_error_and_the_json_holds_every_figure()
    {
        using var temp = new TempFolder();
        string fp32 = TestGraphs.Save(TestGraphs.Cnn(), temp.Path, "cnn.onnx");

        QualityReport report = ModelComparer.Compare(fp32, fp32, TestRun.Samples(fp32, 3, seed: 1), timedRuns: 5);

        OutputAccuracy logits = Assert.Single(report.Outputs);
        Assert.Equal(0, logits.MaxAbsError);
        Assert.Equal(1, logits.MeanCosine, 6);
        Assert.Equal(1, logits.Top1Agreement);
        Assert.Equal(report.OriginalBytes, report.QuantizedBytes);
        Assert.True(report.OriginalP50Ms > 0);
        using var stream = new MemoryStream();
        report.WriteJson(stream);
        using JsonDocument json = JsonDocument.Parse(stream.ToArray());
        JsonElement root = json.RootElement;
        Assert.Equal(3, root.GetProperty("samples").GetInt32());
        Assert.Equal("logits", root.GetProperty("outputs")[0].GetProperty("name").GetString());
        Assert.Equal(1, root.GetProperty("outputs")[0].GetProperty("top1Agreement").GetDouble());
        Assert.Equal(1.0, root.GetProperty("sizeRatio").GetDouble());
        Assert.True(root.TryGetProperty("p50Ratio", out _));
        Assert.Contains("top-1 agreement 100.0 %", report.Format(), StringComparison.Ordinal);
    }

    [Fact]
    public void Npy_files_round_trip_and_generated_ids_stay_inside_the_table()
    {
        using var temp = new TempFolder();
        string fp32 = TestGraphs.Save(TestGraphs.Mlp(), temp.Path, "mlp.onnx");
        SampleSet samples = TestRun.Samples(fp32, 2, seed: 4);
        long[] ids = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(samples.Samples[0]["ids"].Data).ToArray();
        Assert.Equal(SampleSet.GeneratedSequenceLength, ids.Length);
        Assert.All(ids, id => Assert.InRange(id, 0, 1023));

        string path = temp.File("ids.0.npy");
        NpyFile.Write(path, samples.Samples[0]["ids"]);
        SampleTensor read = NpyFile.Read(path);
        Assert.Equal(ElementType.Int64, read.ElementType);
        Assert.Equal([1L, SampleSet.GeneratedSequenceLength], read.Shape);
        Assert.Equal(samples.Samples[0]["ids"].Data, read.Data);
    }
}
