namespace Aot.LoadGen.Soak;

/// <summary>Well-formed HTTP requests with known answers: the body of request <c>n</c>, and the check of its answer.</summary>
internal interface IHttpRequestSet
{
    /// <summary>The JSON body of request number <paramref name="sequence"/>.</summary>
    byte[] Body(int sequence);

    /// <summary>Null when <paramref name="answer"/> (a 200's body) answers request <paramref name="sequence"/>; otherwise what is wrong.</summary>
    /// <exception cref="System.Text.Json.JsonException">The answer is not the JSON expected.</exception>
    string? Mismatch(int sequence, byte[] answer);
}
