using System.CommandLine;
using System.Text.Json;
using Aot.LoadGen.Results;

namespace Aot.LoadGen;

/// <summary>
/// <c>report --dir DIR</c>: writes results.md, results.csv and the charts again from DIR/results.json — the same
/// measurements under the current report code (a corrected comparison rule, a new table) without running again.
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var directory = new Option<string>("--dir") { Description = "A results folder holding results.json.", Required = true };
        var command = new Command("report", "Write a results folder's report again from its results.json.") { directory };
        command.SetAction(result =>
        {
            string dir = result.GetValue(directory)!;
            string path = Path.Combine(dir, "results.json");
            if (!File.Exists(path))
            {
                Console.Error.WriteLine($"report: '{path}' does not exist.");
                return 2;
            }

            SuiteResults results = Read(path);
            if (results.Runs.Count == 0)
            {
                Console.Error.WriteLine($"report: '{path}' holds no runs; nothing written.");
                return 1;
            }

            ResultsFolder.Write(results, dir);
            Console.Error.WriteLine($"report: {dir} written again from results.json ({results.Runs.Count} runs)");
            return results.HasFailures ? 1 : 0;
        });
        return command;
    }

    /// <summary>Reads a results.json as written by <see cref="JsonResultsWriter"/>.</summary>
    internal static SuiteResults Read(string path)
    {
        // Populate: the record lists (runs, servers, ...) are get-only properties.
        var options = new JsonSerializerOptions(JsonResultsWriter.Options) { PreferredObjectCreationHandling = System.Text.Json.Serialization.JsonObjectCreationHandling.Populate };
        return JsonSerializer.Deserialize<SuiteResults>(File.ReadAllText(path), options)
            ?? throw new InvalidDataException($"'{path}' holds no results.");
    }
}
