namespace Aot.LoadGen.Results;

/// <summary>Writes a results folder: results.json, results.csv, the SVG charts and results.md.</summary>
internal static class ResultsFolder
{
    public static void Write(SuiteResults results, string directory)
    {
        Directory.CreateDirectory(directory);
        JsonResultsWriter.Write(results, Path.Combine(directory, "results.json"));
        CsvResultsWriter.Write(results.Runs, Path.Combine(directory, "results.csv"));
        IReadOnlyList<string> charts = SvgCharts.WriteAll(results, directory);
        File.WriteAllText(Path.Combine(directory, "results.md"), MarkdownReport.Build(results, charts));
    }
}
