using System.Text.Json;
using Aot.Server.Http;

namespace Aot.Server.Tests.Unit;

/// <summary>What the HTTP routes answer for a failure: the client's bad JSON is a 400, never a 500.</summary>
public class HttpErrorsTests
{
    /// <summary>
    /// Found by fuzzing (tests/fuzz/regressions/kserve-json, tfserving-json): a name or id whose bytes are not UTF-8
    /// made the JSON readers throw an InvalidOperationException that was answered 500.
    /// </summary>
    [Theory]
    [InlineData(new byte[] { 0x22, 0x69, 0x6E, 0x5F, 0x80, 0x22 })] // "in_\x80": a continuation byte alone
    [InlineData(new byte[] { 0x22, 0xED, 0xA0, 0x80, 0x22 })] // a UTF-16 surrogate encoded as UTF-8
    [InlineData(new byte[] { 0x22, 0x78, 0xC3, 0x22 })] // "x\xC3": a character cut off
    public void A_name_that_is_not_UTF8_is_malformed_JSON(byte[] json)
    {
        InvalidOperationException exception = Assert.Throws<InvalidOperationException>(() => ReadName(json));
        (int status, string message) = HttpErrors.Classify(exception);
        Assert.Equal(400, status);
        Assert.Equal("Malformed JSON: Cannot transcode invalid UTF-8 JSON text to UTF-16 string.", message);
    }

    [Fact]
    public void A_token_read_as_another_type_is_malformed_JSON()
    {
        InvalidOperationException exception = Assert.Throws<InvalidOperationException>(static () =>
        {
            var reader = new Utf8JsonReader("\"x\""u8);
            reader.Read();
            return reader.GetInt64();
        });
        Assert.Equal((400, "Malformed JSON: Cannot get the value of a token type 'String' as a number."), HttpErrors.Classify(exception));
    }

    [Fact]
    public void Other_invalid_operations_stay_server_errors()
    {
        Assert.Equal((500, "a bug"), HttpErrors.Classify(new InvalidOperationException("a bug")));
    }

    private static string ReadName(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        return JsonNames.Get(ref reader);
    }
}
