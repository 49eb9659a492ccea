namespace Aot.LoadGen.Soak;

/// <summary>
/// How the server answered one well-formed request. Only <see cref="Correct"/> and <see cref="Overload"/> are
/// acceptable; the other three are failures of the soak.
/// </summary>
internal enum AnswerOutcome
{
    /// <summary>An answer whose values match the reference.</summary>
    Correct,

    /// <summary>An explicit overload answer: HTTP 429/503, the binary protocol's 429/503 error frame.</summary>
    Overload,

    /// <summary>An answer with values unlike the reference (or of the wrong shape).</summary>
    Wrong,

    /// <summary>Any other error: another status or error code, a connection closed under the request.</summary>
    Error,

    /// <summary>No answer within the client's timeout.</summary>
    Lost,
}
