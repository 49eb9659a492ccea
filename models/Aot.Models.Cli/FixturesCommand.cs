using System.CommandLine;

namespace Aot.Models.Cli;

/// <summary><c>fixtures --out DIR</c>: writes every test fixture into a directory.</summary>
internal static class FixturesCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory to write the fixtures into (created if needed).", Required = true };
        var command = new Command("fixtures", "Write every test fixture (small edge-case models) into a directory; prints their paths.") { output };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            foreach (var path in Fixtures.WriteAll(parse.GetRequiredValue(output).FullName))
                Console.WriteLine(path);
            return 0;
        }));
        return command;
    }
}
