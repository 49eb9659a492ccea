using Aot.Runtime;
using Aot.Server.Hosting;
using Aot.Server.Models;

namespace Aot.Fuzz.Targets;

/// <summary>
/// A model's <c>config.json</c> (docs/configuration.md) as <c>aot serve</c> takes it: <see cref="ModelConfigFile.Parse"/>,
/// then the effective settings over the defaults and the session and batcher options made from them. Documented
/// refusals: <see cref="StartupException"/> naming the file and the key, and the <see cref="FormatException"/> the
/// model loader turns into one.
/// </summary>
internal sealed class ModelConfigTarget : FuzzTarget
{
    private const string ConfigPath = "/fuzz/model/config.json";

    private readonly ServerOptions _defaults = new();

    public override string Name => "model-config";

    public override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        try
        {
            ModelConfig config = ModelConfigFile.Parse(input, ConfigPath);
            ModelSettings settings = _defaults.SettingsFor(config);
            settings.ToBatcherOptions();
            settings.ToModelOptions(new ModelOptions(), textModel: config.Text is not null);
            settings.Describe();
            return FuzzOutcome.Accepted;
        }
        catch (Exception ex) when (ex is StartupException or FormatException)
        {
            return FuzzOutcome.Refused;
        }
    }
}
