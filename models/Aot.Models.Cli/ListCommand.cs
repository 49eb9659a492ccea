using System.CommandLine;
using System.Globalization;

namespace Aot.Models.Cli;

/// <summary><c>list</c>: every model with its kind, size, cache state and description.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var command = new Command("list", "List all models: name, kind, size, whether cached, description.");
        command.SetAction(_ =>
        {
            var cache = ModelStore.Cache;
            var rows = ModelStore.Models.Select(model => new[]
            {
                model.Name,
                model.Kind.ToString().ToLowerInvariant(),
                Size(cache, model),
                cache.IsCached(model) ? "cached" : "-",
                model.Description,
            }).ToList();
            rows.Insert(0, ["NAME", "KIND", "SIZE", "CACHE", "DESCRIPTION"]);
            var widths = Enumerable.Range(0, 4).Select(column => rows.Max(row => row[column].Length)).ToArray();
            foreach (var row in rows)
                Console.WriteLine(string.Join("  ", row.Select((cell, column) => column < widths.Length ? cell.PadRight(widths[column]) : cell)));
            Console.WriteLine();
            Console.WriteLine($"cache: {cache.Root}");
            return 0;
        });
        return command;
    }

    private static string Size(ModelCache cache, ModelInfo model)
    {
        // Pinned sizes are known in advance; generated ones only once they exist.
        long? bytes = model.Files.All(file => file.Size is not null)
            ? model.Files.Sum(file => file.Size!.Value)
            : cache.IsCached(model)
                ? model.Files.Sum(file => new FileInfo(Path.Combine(cache.DirectoryOf(model), file.FileName)).Length)
                : null;
        return bytes switch
        {
            null => "?",
            >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):F1} MiB"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KiB"),
        };
    }
}
