using Aot.Models.Onnx;
using Aot.Protocol;

namespace Aot.Runtime.Tests;

/// <summary>The CUDA settings as far as a machine without a GPU can check them: mapping, validation, messages.</summary>
public class CudaProviderTests
{
    [Fact]
    public void Provider_options_carry_every_setting()
    {
        var options = new ModelOptions
        {
            DeviceId = 1,
            Cuda = new CudaOptions { ConvAlgoSearch = "EXHAUSTIVE", CopyInDefaultStream = false, EnableCudaGraph = true, UseTf32 = false, GpuMemoryLimitBytes = 1L << 30 },
        };
        Dictionary<string, string> map = CudaProvider.ProviderOptions(options);
        Assert.Equal("1", map["device_id"]);
        Assert.Equal("EXHAUSTIVE", map["cudnn_conv_algo_search"]);
        Assert.Equal("0", map["do_copy_in_default_stream"]);
        Assert.Equal("1", map["enable_cuda_graph"]);
        Assert.Equal("0", map["use_tf32"]);
        Assert.Equal("1073741824", map["gpu_mem_limit"]);
    }

    [Fact]
    public void Defaults_leave_the_memory_limit_to_onnx_runtime()
    {
        Dictionary<string, string> map = CudaProvider.ProviderOptions(new ModelOptions());
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["device_id"] = "0",
                ["cudnn_conv_algo_search"] = "HEURISTIC",
                ["do_copy_in_default_stream"] = "1",
                ["enable_cuda_graph"] = "0",
                ["use_tf32"] = "1",
            },
            map);
    }

    [Theory]
    [InlineData("heuristic", "HEURISTIC")]
    [InlineData(" Exhaustive ", "EXHAUSTIVE")]
    [InlineData("DEFAULT", "DEFAULT")]
    public void Conv_algo_search_is_case_insensitive(string given, string expected) =>
        Assert.Equal(expected, new CudaOptions { ConvAlgoSearch = given }.ConvAlgoSearch);

    [Fact]
    public void Unknown_conv_algo_search_names_the_choices()
    {
        var ex = Assert.Throws<ArgumentException>(() => new CudaOptions { ConvAlgoSearch = "FASTEST" });
        Assert.Contains("EXHAUSTIVE, HEURISTIC or DEFAULT", ex.Message);
        Assert.Contains("FASTEST", ex.Message);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    public void A_memory_limit_must_be_positive(long bytes) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new CudaOptions { GpuMemoryLimitBytes = bytes });

    [Fact]
    public void A_negative_device_id_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CudaProvider.ProviderOptions(new ModelOptions { DeviceId = -1 }));

    [Fact]
    public void Missing_libraries_are_named_with_the_fix()
    {
        string text = CudaProvider.DescribeMissing(["libcudnn.so.9", "libcublas.so.13"]);
        Assert.Contains("libcudnn.so.9, libcublas.so.13", text);
        Assert.Contains("LD_LIBRARY_PATH", text);
        Assert.Equal(string.Empty, CudaProvider.DescribeMissing([]));
    }

    [Fact]
    public void The_provider_needs_the_libraries_its_elf_header_names()
    {
        // readelf -d libonnxruntime_providers_cuda.so (ORT 1.31) lists these; cuDNN is opened at run time.
        Assert.Equal(["libcuda.so.1", "libcudart.so.13", "libcublas.so.13", "libcublasLt.so.13", "libcurand.so.10", "libcudnn.so.9"], CudaProvider.RuntimeLibraries);
    }

    [Fact]
    public void Cuda_graphs_refuse_a_model_with_symbolic_input_dimensions()
    {
        // Refused for auto too, also where auto falls back to the CPU: the same flags must not work on one machine only.
        var options = new ModelOptions { Device = DeviceKind.Auto, Cuda = new CudaOptions { EnableCudaGraph = true } };
        var ex = Assert.Throws<ModelLoadException>(() => OnnxModel.Load(TestModels.Path("tiny"), options));
        Assert.Contains("fixed input shapes", ex.Message);
        Assert.Contains("input 'x'", ex.Message);
        Assert.Contains("batch", ex.Message);
    }

    [Fact]
    public void Cuda_graphs_accept_a_model_of_fixed_shapes()
    {
        string path = TestModels.Identity(ElementType.Float, 2, 3);
        var options = new ModelOptions { Device = DeviceKind.Auto, Cuda = new CudaOptions { EnableCudaGraph = true } };
        using OnnxModel model = OnnxModel.Load(path, options);
        Assert.Null(CudaProvider.WhyCudaGraphCannotRun(model.Metadata, path));
    }

    [Fact]
    public void Cuda_graphs_are_ignored_on_the_cpu()
    {
        using OnnxModel model = OnnxModel.Load(TestModels.Path("tiny"), new ModelOptions { Cuda = new CudaOptions { EnableCudaGraph = true } });
        Assert.Equal(DeviceKind.Cpu, model.Device);
    }
}
