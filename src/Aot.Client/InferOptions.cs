namespace Aot.Client;

/// <summary>Per-request options of <see cref="AotClient.InferAsync"/>.</summary>
public sealed record class InferOptions
{
    /// <summary>Model version; 0 (default) for the highest the server has.</summary>
    public long Version { get; init; }

    /// <summary>Server-side deadline: the request is refused (504) if it cannot start within this time.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Outputs to return; null or empty for all.</summary>
    public IReadOnlyList<string>? Outputs { get; init; }
}
