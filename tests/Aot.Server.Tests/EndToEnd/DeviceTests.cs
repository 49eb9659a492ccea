using Aot.Server.Tests.Infrastructure;

namespace Aot.Server.Tests.EndToEnd;

/// <summary>
/// Device selection as seen from the command line on a machine that cannot run CUDA (test outputs leave the CUDA
/// provider out, so these hold on a GPU machine too): auto falls back with the reason, cuda fails naming what is
/// missing, and the CUDA flags are checked even then.
/// </summary>
public sealed class DeviceTests
{
    [Fact]
    public async Task Auto_falls_back_to_the_cpu_and_logs_why()
    {
        await using ServerProcess server = await ServerProcess.StartAsync(RepoPaths.BuiltServer,
            ["--model", $"tiny={TestModels.Tiny}", "--device", "auto", "--cudnn-conv-algo-search", "exhaustive", "--cuda-mem-limit-mb", "512"]);
        string metadata = await server.Http.GetStringAsync("/v2/models/tiny");
        Assert.Contains("\"device\":\"cpu\"", metadata);
        string line = Assert.Single(server.Output.Split('\n'), l => l.Contains("device auto: using CPU for", StringComparison.Ordinal));
        Assert.Contains("libonnxruntime_providers_cuda.so", line);
    }

    [Fact]
    public async Task Cuda_that_cannot_start_fails_at_start_naming_the_missing_library()
    {
        string output = await FailingStartAsync("--device", "cuda");
        Assert.Contains("cuda:0", output);
        Assert.Contains("libonnxruntime_providers_cuda.so", output);
        Assert.Contains("-p:AotFlavour=cuda", output);
    }

    [Fact]
    public async Task Cuda_graphs_on_a_model_of_symbolic_shapes_fail_at_start_naming_the_input()
    {
        string output = await FailingStartAsync("--device", "auto", "--cuda-graph");
        Assert.Contains("need fixed input shapes", output);
        Assert.Contains("input 'x'", output);
    }

    [Fact]
    public async Task An_unknown_conv_algo_search_fails_at_start()
    {
        string output = await FailingStartAsync("--cudnn-conv-algo-search", "fastest");
        Assert.Contains("aot: error: cudnn_conv_algo_search must be EXHAUSTIVE, HEURISTIC or DEFAULT", output);
    }

    /// <summary>Serves the tiny model with <paramref name="arguments"/>, expecting start-up to fail; returns the output.</summary>
    private static async Task<string> FailingStartAsync(params string[] arguments)
    {
        (int exitCode, string output) = await ServerProcess.RunToExitAsync(RepoPaths.BuiltServer,
            ["serve", "--model", $"tiny={TestModels.Tiny}", "--http-port", "0", "--port", "0", "--grpc-port", "0", .. arguments]);
        Assert.True(exitCode == 1, $"exit code {exitCode}:\n{output}");
        Assert.Contains("aot: error:", output);
        return output;
    }
}
