namespace Aot.Runtime.Tests;

public class OptionsTests
{
    [Fact]
    public void Optimized_model_cache_is_written_once_and_reused_until_settings_change()
    {
        string dir = Directory.CreateTempSubdirectory("aot-optcache-").FullName;
        string cache = Path.Combine(dir, "tiny.optimized.onnx");
        string source = TestModels.Path("tiny");
        var options = new ModelOptions { OptimizedModelCachePath = cache };

        float[] first;
        using (OnnxModel model = OnnxModel.Load(source, options))
        {
            first = LoadTests.Run(model);
        }

        Assert.True(File.Exists(cache));
        string key = File.ReadAllText(cache + ".key");
        DateTime written = File.GetLastWriteTimeUtc(cache);

        using (OnnxModel model = OnnxModel.Load(source, options))
        {
            Assert.Equal(first, LoadTests.Run(model));
        }

        Assert.Equal(written, File.GetLastWriteTimeUtc(cache)); // reused, not rebuilt

        using (OnnxModel model = OnnxModel.Load(source, options with { Optimization = GraphOptimization.Basic }))
        {
            Assert.Equal(first, LoadTests.Run(model));
        }

        Assert.NotEqual(key, File.ReadAllText(cache + ".key")); // rebuilt for the new level
    }

    [Fact]
    public void Explicit_cuda_that_cannot_start_is_a_clear_error()
    {
        // Test outputs leave the CUDA provider out (Directory.Build.targets), so this holds on GPU machines too.
        var ex = Assert.Throws<ModelLoadException>(() => OnnxModel.Load(TestModels.Path("tiny"), new ModelOptions { Device = DeviceKind.Cuda }));
        Assert.Contains("cuda:0", ex.Message);
        Assert.Contains(TestModels.Path("tiny"), ex.Message);
        Assert.Contains("libonnxruntime_providers_cuda.so", ex.Message);
    }

    [Fact]
    public void Auto_falls_back_to_cpu_and_says_why()
    {
        var messages = new List<string>();
        using OnnxModel model = OnnxModel.Load(TestModels.Path("tiny"), new ModelOptions { Device = DeviceKind.Auto, Log = messages.Add });
        Assert.Equal(DeviceKind.Cpu, model.Device);
        Assert.NotNull(model.DeviceFallbackReason);
        Assert.Contains("using CPU", Assert.Single(messages));
    }

    [Fact]
    public void Thread_and_spinning_settings_still_give_the_same_results()
    {
        string path = TestModels.Path("tiny");
        using OnnxModel defaults = OnnxModel.Load(path);
        using OnnxModel tuned = OnnxModel.Load(path, new ModelOptions { IntraOpThreads = 1, InterOpThreads = 2, AllowSpinning = false, Optimization = GraphOptimization.None });
        Assert.Equal(LoadTests.Run(defaults), LoadTests.Run(tuned));
    }

    [Theory]
    [InlineData("cpu", DeviceKind.Cpu, 0)]
    [InlineData("CUDA", DeviceKind.Cuda, 0)]
    [InlineData("cuda:3", DeviceKind.Cuda, 3)]
    [InlineData(" auto ", DeviceKind.Auto, 0)]
    public void Devices_parse(string text, DeviceKind kind, int id) => Assert.Equal((kind, id), ModelOptions.ParseDevice(text));

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    public void Bad_devices_say_what_is_accepted(string text)
    {
        var ex = Assert.Throws<FormatException>(() => ModelOptions.ParseDevice(text));
        Assert.Contains("cpu, cuda, cuda:N or auto", ex.Message);
        Assert.Contains(text, ex.Message);
    }
}
