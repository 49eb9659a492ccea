namespace Aot.Server.Models;

/// <summary>
/// The served model versions at one moment: immutable, so readers need no lock, and replaced as a whole when a version
/// comes or goes (<see cref="ModelRepository"/>). Lookups by UTF-8 name (binary frames) compare bytes and allocate nothing.
/// </summary>
internal sealed class RepositorySnapshot
{
    private readonly Dictionary<string, ServedModel[]> _byName;
    private readonly ServedModel[][] _groups;

    public RepositorySnapshot(IEnumerable<ServedModel> models)
    {
        InOrderGiven = [.. models];
        All = [.. InOrderGiven.OrderBy(static m => m.Name, StringComparer.Ordinal).ThenBy(static m => m.Version)];
        _byName = All.GroupBy(static m => m.Name, StringComparer.Ordinal)
            .ToDictionary(static g => g.Key, static g => g.OrderByDescending(static m => m.Version).ToArray(), StringComparer.Ordinal);
        _groups = [.. _byName.Values];
        Latest = [.. _groups.Select(static versions => versions[0])];
    }

    public static RepositorySnapshot Empty { get; } = new([]);

    /// <summary>Every served version, by name then version.</summary>
    public IReadOnlyList<ServedModel> All { get; }

    /// <summary>Every served version in the order it was given (command line, then repository, then later loads).</summary>
    public IReadOnlyList<ServedModel> InOrderGiven { get; }

    /// <summary>The highest served version of each model.</summary>
    public IReadOnlyList<ServedModel> Latest { get; }

    /// <summary>The model <paramref name="name"/> at <paramref name="version"/> (null or empty: the highest served).</summary>
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

    /// <summary>The model whose UTF-8 name is <paramref name="utf8Name"/> at <paramref name="version"/> (0: the highest served).</summary>
    public ServedModel? Find(ReadOnlySpan<byte> utf8Name, long version)
    {
        foreach (ServedModel[] versions in _groups)
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

    /// <summary>Every served version of <paramref name="name"/>, highest first (empty when unknown).</summary>
    public IReadOnlyList<ServedModel> Versions(string name) => _byName.TryGetValue(name, out ServedModel[]? v) ? v : [];

    /// <summary>This snapshot with <paramref name="name"/>'s versions replaced by <paramref name="versions"/> (empty: the model goes).</summary>
    public RepositorySnapshot With(string name, IReadOnlyList<ServedModel> versions)
    {
        var kept = InOrderGiven.Where(m => m.Name != name).ToList();
        // A model keeps its place in the order given (the first text model answers unnamed text requests).
        int at = InOrderGiven.Select((m, i) => (m, i)).Where(x => x.m.Name == name).Select(static x => x.i).DefaultIfEmpty(kept.Count).First();
        at = Math.Min(at, kept.Count);
        kept.InsertRange(at, versions.OrderBy(static m => m.Version));
        return new RepositorySnapshot(kept);
    }
}
