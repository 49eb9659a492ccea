namespace Aot.LoadGen.Results;

/// <summary>One of the brief's numbers: what it asks, what was measured, met or not (null: not measured here).</summary>
internal sealed record TargetCheck(string Target, string Measured, bool? Met);
