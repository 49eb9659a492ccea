namespace Aot.Models;

/// <summary>Every named model: fetched, generated and fixtures, in that order. Names are unique.</summary>
internal static class ModelCatalog
{
    public static IReadOnlyList<ModelInfo> All { get; } = [.. PackageModels.All, .. SyntheticModels.Catalog, .. Fixtures.Catalog];

    // Declared after All: static initializers run in text order. ToDictionary also rejects duplicate names.
    private static readonly Dictionary<string, ModelInfo> ByName = All.ToDictionary(model => model.Name, StringComparer.Ordinal);

    public static ModelInfo Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return ByName.TryGetValue(name, out var model)
            ? model
            : throw new KeyNotFoundException($"Unknown model '{name}'. Known models: {string.Join(", ", All.Select(m => m.Name))}.");
    }
}
