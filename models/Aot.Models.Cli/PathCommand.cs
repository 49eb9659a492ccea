using System.CommandLine;

namespace Aot.Models.Cli;

/// <summary><c>path NAME [--file FILE]</c>: prints where a model is, fetching or generating it if needed.</summary>
internal static class PathCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "Model name (see `list`)." };
        var file = new Option<string?>("--file") { Description = "Another file of the model, e.g. vocab.txt for minilm." };
        var command = new Command("path", "Print the cached path of a model's file (fetching or generating it first if needed).") { name, file };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var model = ModelStore.Get(parse.GetRequiredValue(name));
            Console.WriteLine(ModelStore.Cache.GetPath(model, parse.GetValue(file)));
            return 0;
        }));
        return command;
    }
}
