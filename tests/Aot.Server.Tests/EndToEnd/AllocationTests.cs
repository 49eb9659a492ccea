using System.Globalization;
using Aot.Client;
using Aot.Server.Tests.Infrastructure;

namespace Aot.Server.Tests.EndToEnd;

/// <summary>
/// Steady-state managed allocation of the server per binary-protocol request, from two scrapes of
/// <c>aot_dotnet_allocated_bytes_total</c> (which counts every thread of the process: Kestrel, the thread pool,
/// the batch workers). An idle interval between two scrapes is subtracted, so the scrapes' own cost cancels out.
/// </summary>
public sealed class AllocationTests
{
    private const int Requests = 2000;

    /// <summary>
    /// Lone requests (same shapes every run): 0 B is the design; the bound absorbs time-driven housekeeping of the
    /// runtime and Kestrel (timers, heartbeat) spread over the run.
    /// </summary>
    private const double LoneBoundBytesPerRequest = 16;

    /// <summary>
    /// Pipelined requests form batches of varying size; each change of batch shape makes Aot.Runtime re-bind its
    /// OrtValues (about 100 B per run whose shape differs from the previous run's). Measured about 60 B/request.
    /// </summary>
    private const double PipelinedBoundBytesPerRequest = 160;

    private static async Task<long> AllocatedAsync(ServerProcess server)
    {
        string metrics = await server.Http.GetStringAsync("/metrics");
        string line = metrics.Split('\n').Single(l => l.StartsWith("aot_dotnet_allocated_bytes_total ", StringComparison.Ordinal));
        return long.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
    }

    private static async Task<double> BytesPerRequestAsync(ServerProcess server, Func<Task> load)
    {
        await load(); // warm-up: pools, buffers, JIT-free native code paths, Kestrel's memory pool
        await load();
        long a = await AllocatedAsync(server);
        long b = await AllocatedAsync(server);
        await load();
        long c = await AllocatedAsync(server);
        return ((c - b) - (b - a)) / (double)Requests;
    }

    [Fact]
    public async Task Binary_requests_allocate_nothing_in_steady_state_inline_and_batched()
    {
        await using ServerProcess server = await ServerProcess.StartAsync(RepoPaths.BuiltServer, ["--model", $"tiny={TestModels.Tiny}"]);
        await using AotClient client = await AotClient.ConnectAsync("127.0.0.1", server.Port);
        InputTensor[] inputs = [InputTensor.Create("x", [1, 16], Enumerable.Range(0, 16).Select(i => (float)i).ToArray())];

        // One request at a time: each finds the model idle and runs inline on the connection's read loop.
        double sequential = await BytesPerRequestAsync(server, async () =>
        {
            for (int i = 0; i < Requests; i++)
            {
                using InferResult result = await client.InferAsync("tiny", inputs);
            }
        });

        // 16 in flight at a time on the one connection: queued, batched by the worker, answered from its thread.
        double pipelined = await BytesPerRequestAsync(server, async () =>
        {
            for (int i = 0; i < Requests; i += 16)
            {
                InferResult[] results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => client.InferAsync("tiny", inputs)));
                foreach (InferResult result in results)
                {
                    result.Dispose();
                }
            }
        });

        Console.WriteLine($"allocated per binary request: sequential {sequential:F2} B, pipelined {pipelined:F2} B");
        Assert.True(sequential <= LoneBoundBytesPerRequest, $"sequential: {sequential:F1} B/request");
        Assert.True(pipelined <= PipelinedBoundBytesPerRequest, $"pipelined: {pipelined:F1} B/request");
    }
}
