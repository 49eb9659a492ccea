namespace Aot.Server.Models;

/// <summary>
/// The served models by name and version. A request that names no version gets the highest one. Lookups by
/// UTF-8 name (binary frames) compare bytes and allocate nothing; the set is fixed after start-up.
/// </summary>
internal sealed class ModelRepository : IDisposable
{
    private readonly Dictionary<string, ServedModel[]> _byName;

    public ModelRepository(IEnumerable<ServedModel> models)
    {
        InOrderGiven = [.. models];
        All = [.. InOrderGiven.OrderBy(static m => m.Name, StringComparer.Ordinal).ThenBy(static m => m.Version)];
        _byName = All.GroupBy(static m => m.Name, StringComparer.Ordinal)
            .ToDictionary(static g => g.Key, static g => g.OrderByDescending(static m => m.Version).ToArray(), StringComparer.Ordinal);
        Latest = [.. _byName.Values.Select(static versions => versions[0])];
    }

    /// <summary>Every loaded model version, by name then version.</summary>
    public IReadOnlyList<ServedModel> All { get; }

    /// <summary>Every loaded model version in the order it was given (command line, then repository).</summary>
    public IReadOnlyList<ServedModel> InOrderGiven { get; }

    /// <summary>The highest version of each model.</summary>
    public IReadOnlyList<ServedModel> Latest { get; }

    /// <summary>Whether every model is loaded and warmed up.</summary>
    public bool IsReady => All.All(static m => m.IsReady);

    /// <summary>The model <paramref name="name"/> at <paramref name="version"/> (null or empty: the highest).</summary>
    public ServedModel? Find(string name, string? version)
    {
        if (!_byName.TryGetValue(name, out ServedModel[]? versions))
        {
            return null;
        }

        if (string.IsNullOrEmpty(version))
        {
            return versions[0];
        }

        return long.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long number)
            ? Array.Find(versions, m => m.Version == number)
            : null;
    }

    /// <summary>Why <see cref="Find(string, string?)"/> found nothing, naming what is served (every protocol's "not found").</summary>
    public string NotFoundMessage(string name, string? version) =>
        string.IsNullOrEmpty(version) || Find(name, null) is null
            ? $"Unknown model '{name}'. Served models: {string.Join(", ", Latest.Select(static m => m.Name))}."
            : $"Model '{name}' has no version '{version}'; it has {string.Join(", ", Versions(name).Select(static m => m.VersionText))}.";

    /// <summary>The model whose UTF-8 name is <paramref name="utf8Name"/> at <paramref name="version"/> (0: the highest).</summary>
    public ServedModel? Find(ReadOnlySpan<byte> utf8Name, long version)
    {
        foreach (ServedModel[] versions in _byName.Values)
        {
            if (!utf8Name.SequenceEqual(versions[0].Utf8Name))
            {
                continue;
            }

            if (version == 0)
            {
                return versions[0];
            }

            foreach (ServedModel model in versions)
            {
                if (model.Version == version)
                {
                    return model;
                }
            }

            return null;
        }

        return null;
    }

    /// <summary>Every version of <paramref name="name"/>, highest first (empty when unknown).</summary>
    public IReadOnlyList<ServedModel> Versions(string name) => _byName.TryGetValue(name, out ServedModel[]? v) ? v : [];

    public void Dispose()
    {
        foreach (ServedModel model in All)
        {
            model.Dispose();
        }
    }
}
