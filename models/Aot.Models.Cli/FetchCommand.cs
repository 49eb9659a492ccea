using System.CommandLine;

namespace Aot.Models.Cli;

/// <summary><c>fetch [names...] [--all]</c>: makes models available in the cache and prints their paths.</summary>
internal static class FetchCommand
{
    public static Command Create()
    {
        var names = new Argument<string[]>("names") { Description = "Models to fetch or generate (see `list`).", Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all") { Description = "Every fetched and generated model (not the fixtures): what the benchmarks need." };
        var command = new Command("fetch", "Fetch real models (and generate synthetic ones) into the cache; prints `name<TAB>path` lines.") { names, all };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var requested = parse.GetValue(names) ?? [];
            if (requested.Length == 0 && !parse.GetValue(all))
            {
                Console.Error.WriteLine("error: name the models to fetch, or pass --all (see `list`).");
                return CliErrors.Failure;
            }
            var models = parse.GetValue(all)
                ? ModelStore.Models.Where(model => model.Kind != ModelKind.Fixture)
                : requested.Select(ModelStore.Get);
            foreach (var model in models.ToList())
                Console.WriteLine($"{model.Name}\t{ModelStore.Cache.GetPath(model)}");
            return 0;
        }));
        return command;
    }
}
