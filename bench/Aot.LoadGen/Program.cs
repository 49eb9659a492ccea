using System.CommandLine;
using Aot.LoadGen;

var root = new RootCommand("Aot benchmark harness: load generator, floors, peers and reports (see docs/benchmarks.md).");
root.Subcommands.Add(SuiteCommand.Create());
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(EchoCommand.Create());
root.Subcommands.Add(BodyCommand.Create());
root.Subcommands.Add(ReportCommand.Create());
root.Subcommands.Add(SoakCommand.Create());
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
