using Aot.Protocol.Wire;

namespace Aot.Protocol.Tests;

public class WireErrorCodesTests
{
    [Fact]
    public void Every_error_code_round_trips()
    {
        foreach (ErrorCode code in Enum.GetValues<ErrorCode>())
        {
            Assert.Equal(code, WireErrorCodes.FromWire(WireErrorCodes.ToWire(code)));
        }
    }

    // The numbers are the wire contract (docs/protocol.md): clients in other languages hard-code them.
    [Theory]
    [InlineData(ErrorCode.BadRequest, 400)]
    [InlineData(ErrorCode.Unauthenticated, 401)]
    [InlineData(ErrorCode.NotFound, 404)]
    [InlineData(ErrorCode.PayloadTooLarge, 413)]
    [InlineData(ErrorCode.Overloaded, 429)]
    [InlineData(ErrorCode.Cancelled, 499)]
    [InlineData(ErrorCode.InternalError, 500)]
    [InlineData(ErrorCode.Unavailable, 503)]
    [InlineData(ErrorCode.DeadlineExceeded, 504)]
    public void Codes_are_the_documented_numbers(ErrorCode code, ushort wire)
    {
        Assert.Equal(wire, WireErrorCodes.ToWire(code));
        Assert.Equal(code, WireErrorCodes.FromWire(wire));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(402)]
    [InlineData(ushort.MaxValue)]
    public void Unknown_codes_read_as_internal_errors(ushort wire) =>
        Assert.Equal(ErrorCode.InternalError, WireErrorCodes.FromWire(wire));
}
