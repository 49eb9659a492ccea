using System.CommandLine;
using Aot.Models.Cli;

var root = new RootCommand("Fetches the real models and generates the synthetic ones that Aot's tests and benchmarks use. " +
    "Paths go to stdout, progress to stderr. Cache: $AOT_MODEL_CACHE, else $XDG_CACHE_HOME/aot/models, else ~/.cache/aot/models.")
{
    FetchCommand.Create(),
    GenerateCommand.Create(),
    PathCommand.Create(),
    ListCommand.Create(),
    FixturesCommand.Create(),
};
return root.Parse(args).Invoke();
