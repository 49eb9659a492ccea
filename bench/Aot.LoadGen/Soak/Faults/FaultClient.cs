namespace Aot.LoadGen.Soak.Faults;

/// <summary>
/// One kind of misbehaving client. <see cref="FaultRunner"/> runs <see cref="Concurrency"/> of it in a loop beside the
/// checked load, <see cref="Pause"/> apart, and counts each attempt's <see cref="FaultResult"/>.
/// </summary>
internal abstract class FaultClient(string name, string what)
{
    /// <summary>Kind name in the report, e.g. <c>http-disconnect-mid-request</c>.</summary>
    public string Name => name;

    /// <summary>What the client does, in words.</summary>
    public string What => what;

    /// <summary>How many of this kind run at once.</summary>
    public virtual int Concurrency => 1;

    /// <summary>Wait between two attempts of one client.</summary>
    public virtual TimeSpan Pause => TimeSpan.FromMilliseconds(200);

    /// <summary>Misbehaves once; <paramref name="attempt"/> varies the case where a kind has several.</summary>
    public abstract Task<FaultResult> RunOnceAsync(FaultContext context, int attempt, CancellationToken cancellationToken);
}

/// <summary>
/// What one fault attempt saw: a label for the report (<c>413</c>, <c>closed by server</c>, …) and whether the server
/// behaved as it should (a clear 4xx or error frame, an overload answer, closing a client that stalls); unexpected is
/// a 5xx, an answer that never came, or a connection closed where an answer was due.
/// </summary>
internal readonly record struct FaultResult(string Label, bool Expected)
{
    public static FaultResult Ok(string label) => new(label, true);

    public static FaultResult Unexpected(string label) => new(label, false);

    /// <summary>An HTTP status where a 4xx (or an overload) is the right answer to bad input.</summary>
    public static FaultResult ForBadInput(int? status) => status switch
    {
        null => Unexpected("closed without an answer"),
        >= 400 and < 500 or 503 => Ok(status.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        _ => Unexpected(status.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    };
}
