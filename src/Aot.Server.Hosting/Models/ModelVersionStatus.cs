namespace Aot.Server.Models;

/// <summary>
/// One model version as the repository index shows it: its state, why it is not served (a failed load, a failed
/// warm-up, an unload), and the file it came from (so a poll does not retry an unchanged broken file).
/// </summary>
internal sealed record class ModelVersionStatus(string Name, long Version, ModelVersionState State, string Reason)
{
    /// <summary>The file fingerprint of the source this state is about (<see cref="SourceFingerprint"/>); empty when none.</summary>
    public string Fingerprint { get; init; } = "";

    /// <summary>A load of these files failed (not an unload): a poll does not retry it until they change.</summary>
    public bool LoadFailed { get; init; }

    public string VersionText => Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
