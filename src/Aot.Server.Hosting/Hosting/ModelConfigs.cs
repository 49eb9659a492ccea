using Aot.Server.Models;

namespace Aot.Server.Hosting;

/// <summary>
/// Finds each model's config file (<c>DIR/&lt;name&gt;/config.json</c> in a repository, <c>--config NAME=FILE</c> for a
/// <c>--model</c>), reads it strictly, and sets the model's effective settings: command line over file over defaults.
/// </summary>
internal static class ModelConfigs
{
    public static IReadOnlyList<ModelSource> Apply(IReadOnlyList<ModelSource> sources, ServerOptions options)
    {
        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string spec in options.Configs)
        {
            int equals = spec.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == spec.Length - 1)
            {
                throw new StartupException($"--config '{spec}' is not NAME=FILE (for example --config minilm=minilm.config.json).");
            }

            string name = spec[..equals].Trim();
            string file = Path.GetFullPath(spec[(equals + 1)..].Trim());
            ModelSource? model = sources.FirstOrDefault(s => s.Name == name);
            if (model is null)
            {
                throw new StartupException($"--config '{spec}': no model is named '{name}'. Models: {string.Join(", ", sources.Select(static s => s.Name).Distinct())}.");
            }

            if (model.ConfigFile is { } inRepository)
            {
                throw new StartupException($"--config '{spec}': model '{name}' already has {inRepository} in its repository folder; give one of them.");
            }

            if (!given.TryAdd(name, file))
            {
                throw new StartupException($"--config {name} is given twice.");
            }
        }

        // Versions of one repository model share its file: read once.
        var read = new Dictionary<string, ModelConfig>(StringComparer.Ordinal);
        var result = new List<ModelSource>(sources.Count);
        foreach (ModelSource source in sources)
        {
            string? file = given.GetValueOrDefault(source.Name) ?? source.ConfigFile;
            ModelConfig? config = null;
            if (file is not null && !read.TryGetValue(file, out config))
            {
                config = ModelConfigFile.Read(file);
                read[file] = config;
            }

            result.Add(source with { Config = config, Settings = options.SettingsFor(config) });
        }

        return result;
    }
}
