using System.Diagnostics;

namespace Aot.Runtime.Tests;

/// <summary>
/// The global thread pool is a process-wide choice made by the first model loaded, so it is tested in a fresh
/// child process (the aot-smoke program) rather than in this shared test process.
/// </summary>
public class GlobalThreadPoolTests
{
    [Fact]
    public void Two_sessions_share_one_global_pool_and_agree()
    {
        (int exitCode, string output) = RunSmoke(TestModels.Path("tiny"), "--global-pool", "--threads", "1", "--runs", "20");
        Assert.True(exitCode == 0, output);
        Assert.Contains("threads global pool", output);
        Assert.Contains("a second session on the global thread pool gives identical outputs", output);
        Assert.Contains("managed bytes allocated 0", output);
    }

    [Fact]
    public void Asking_for_the_global_pool_after_the_environment_exists_is_an_error()
    {
        // In this process ORT's environment already exists (other tests loaded models without a global pool).
        using OnnxModel first = OnnxModel.Load(TestModels.Path("tiny"));
        var ex = Assert.Throws<InvalidOperationException>(() => OnnxModel.Load(TestModels.Path("tiny"), new ModelOptions { UseGlobalThreadPool = true }));
        Assert.Contains("must be requested by the first model loaded", ex.Message);
    }

    private static (int ExitCode, string Output) RunSmoke(params string[] arguments)
    {
        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<configuration>/net10.0/
        string smoke = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "Aot.Runtime.AotSmoke", "bin", configuration, "net10.0", "aot-smoke.dll"));
        Assert.True(File.Exists(smoke), $"The smoke program was not built at {smoke}.");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(smoke);
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), "aot-smoke did not finish within 2 minutes.");
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
