namespace Aot.LoadGen.Soak;

/// <summary>
/// One checked client of the soak: sends a well-formed request and says how it was answered (<see cref="AnswerOutcome"/>).
/// A transport failure may throw; <see cref="CheckedLoop"/> counts it as an error, or as lost when the timeout fired.
/// </summary>
internal interface ICheckedSender : IAsyncDisposable
{
    /// <summary><c>kserve-http</c>, <c>binary</c>, <c>grpc</c> or <c>embed-http</c>.</summary>
    string Protocol { get; }

    /// <summary>Sends request number <paramref name="sequence"/>; <paramref name="timeout"/> fires when it counts as lost.</summary>
    Task<(AnswerOutcome Outcome, string? Detail)> SendAsync(int sequence, CancellationToken timeout);
}
