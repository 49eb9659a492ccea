namespace Aot.Architecture.Tests;

/// <summary>Source files in src/ stay small enough to hold one concept.</summary>
public class FileSizeTests
{
    private const int MaxLines = 400;

    // Generated data, not code.
    private static readonly HashSet<string> DataTables = ["CanonicalDecomposition.Table.cs"];

    [Fact]
    public void No_source_file_in_src_is_over_the_limit()
    {
        string[] oversized = [.. Repository.SourceFiles(Path.Combine(Repository.Root, "src"))
            .Where(static f => !DataTables.Contains(Path.GetFileName(f)))
            .Select(static f => (File: f, Lines: File.ReadLines(f).Count()))
            .Where(static f => f.Lines > MaxLines)
            .Select(static f => $"{Repository.Relative(f.File)}: {f.Lines} lines")];

        Assert.True(oversized.Length == 0, $"Over {MaxLines} lines:{Environment.NewLine}{string.Join(Environment.NewLine, oversized)}");
    }
}
