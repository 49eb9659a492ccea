namespace Aot.LoadGen.Results;

/// <summary>One of the brief's numbers: what it asks, what was measured, met or not (null: not measured here).</summary>
internal sealed record TargetCheck(string Target, string Measured, bool? Met)
{
    /// <summary>A figure the issue asks to report, with no bound to meet (<see cref="Met"/>: true when measured, null when not).</summary>
    public bool ReportOnly { get; init; }

    /// <summary>The verdict cell: met / missed / reported / not measured.</summary>
    public string Verdict => ReportOnly ? (Met is null ? "not measured" : "reported") : Format.Verdict(Met);
}
