namespace Aot.LoadGen.Results;

/// <summary>A system the run did not measure, and why.</summary>
internal sealed record SkippedSystem(string System, string Reason);
