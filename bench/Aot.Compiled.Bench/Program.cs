using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Aot.Compiled.Bench -- --filter '*'
// dotnet run -c Release --project bench/Aot.Compiled.Bench -- alloc     (allocated bytes per request, both paths, both models)
if (args is ["alloc", ..])
{
    foreach (string model in (string[])["tiny", "minilm"])
    {
        var bench = new Aot.Compiled.Bench.RequestPathBenchmarks { Model = model };
        bench.Setup();
        foreach ((string name, Func<float> run) in new (string, Func<float>)[] { ("runtime-loaded", bench.RuntimeLoaded), ("compiled-in", bench.CompiledIn) })
        {
            for (int i = 0; i < 200; i++)
            {
                run();
            }

            const int Calls = 1000;
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < Calls; i++)
            {
                run();
            }

            long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            Console.WriteLine($"{model,-7} {name,-15} {bytes} B over {Calls} requests ({(double)bytes / Calls:F2} B/request)");
        }

        bench.Cleanup();
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Aot.Compiled.Bench.RequestPathBenchmarks).Assembly).Run(args);
