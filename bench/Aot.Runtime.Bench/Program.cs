using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Aot.Runtime.Bench -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
