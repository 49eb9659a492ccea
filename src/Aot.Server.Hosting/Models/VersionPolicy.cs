namespace Aot.Server.Models;

/// <summary>
/// Which versions of a model to serve (Triton's <c>version_policy</c>): the <c>latest</c> N, <c>all</c>, or <c>specific</c>
/// ones, from a model's <c>config.json</c> or <c>--version-policy</c>; <see cref="VersionSelection"/> applies it to the
/// version folders found (docs/models.md).
/// </summary>
internal sealed record class VersionPolicy(VersionPolicyKind Kind, int LatestCount, IReadOnlyList<long> Versions)
{
    public static VersionPolicy Latest(int count) => new(VersionPolicyKind.Latest, count, []);

    public static VersionPolicy All { get; } = new(VersionPolicyKind.All, 0, []);

    public static VersionPolicy Specific(IReadOnlyList<long> versions) => new(VersionPolicyKind.Specific, 0, versions);

    public bool Equals(VersionPolicy? other) =>
        other is not null && Kind == other.Kind && LatestCount == other.LatestCount && Versions.SequenceEqual(other.Versions);

    public override int GetHashCode() => HashCode.Combine(Kind, LatestCount, Versions.Count);

    public override string ToString() => Kind switch
    {
        VersionPolicyKind.Latest => $"latest({LatestCount})",
        VersionPolicyKind.All => "all",
        _ => $"specific({string.Join(",", Versions)})",
    };
}

/// <summary>The three shapes of a <see cref="VersionPolicy"/>.</summary>
internal enum VersionPolicyKind
{
    Latest,
    All,
    Specific,
}
