namespace Aot.Server.Models;

/// <summary>Applies each model's <see cref="VersionPolicy"/> to the versions found on disk.</summary>
internal static class VersionSelection
{
    /// <summary>The versions of one model <paramref name="policy"/> serves, highest first.</summary>
    public static IReadOnlyList<ModelSource> Pick(IReadOnlyList<ModelSource> versions, VersionPolicy policy)
    {
        IEnumerable<ModelSource> newestFirst = versions.OrderByDescending(static s => s.Version);
        return policy.Kind switch
        {
            VersionPolicyKind.All => [.. newestFirst],
            VersionPolicyKind.Specific => [.. newestFirst.Where(s => policy.Versions.Contains(s.Version))],
            _ => [.. newestFirst.Take(Math.Max(1, policy.LatestCount))],
        };
    }

    /// <summary>Every model's picked versions, in the order given: by its config's policy, else <paramref name="fallback"/>.</summary>
    public static IReadOnlyList<ModelSource> Apply(IReadOnlyList<ModelSource> sources, VersionPolicy fallback)
    {
        var picked = new HashSet<ModelSource>();
        foreach (IGrouping<string, ModelSource> model in sources.GroupBy(static s => s.Name, StringComparer.Ordinal))
        {
            ModelSource[] versions = [.. model];
            picked.UnionWith(Pick(versions, versions[0].Settings.VersionPolicy ?? fallback));
        }

        return [.. sources.Where(picked.Contains)];
    }

    /// <summary>Parses <c>--version-policy</c>: <c>latest</c>, <c>latest:N</c>, <c>all</c> or <c>specific:V1,V2,...</c>.</summary>
    /// <exception cref="FormatException">Not one of those, naming the value.</exception>
    public static VersionPolicy Parse(string text)
    {
        string[] parts = text.Split(':', 2, StringSplitOptions.TrimEntries);
        switch (parts[0])
        {
            case "all" when parts.Length == 1:
                return VersionPolicy.All;
            case "latest" when parts.Length == 1:
                return VersionPolicy.Latest(1);
            case "latest" when int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int count) && count >= 1:
                return VersionPolicy.Latest(count);
            case "specific" when parts.Length == 2:
                long[] versions = [.. parts[1].Split(',', StringSplitOptions.TrimEntries).Select(static v =>
                    long.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long n) && n >= 1 ? n : 0)];
                if (versions.Length > 0 && versions.All(static v => v >= 1))
                {
                    return VersionPolicy.Specific(versions);
                }

                break;
        }

        throw new FormatException($"--version-policy '{text}' is not latest, latest:N (N ≥ 1), all or specific:V1,V2,... (versions ≥ 1).");
    }
}
