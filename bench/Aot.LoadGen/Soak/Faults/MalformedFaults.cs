using System.Text;
using Aot.LoadGen.Workloads;
using Aot.Protocol.Wire;

namespace Aot.LoadGen.Soak.Faults;

/// <summary>Malformed HTTP requests in turn (bad JSON, wrong datatype, wrong shape, unknown model, bad /embed input): each must get a 4xx.</summary>
internal sealed class MalformedHttp() : FaultClient("http-malformed", "in turn: invalid JSON, INT64 for FP32, shape [1, 15], unknown model, /embed with a number, /embed with a mixed array")
{
    private static readonly (string Path, byte[] Body)[] Cases =
    [
        ("/v2/models/tiny/infer", "{\"inputs\": [{\"name\": \"x\", "u8.ToArray()),
        ("/v2/models/tiny/infer", new Workload("bad-type", "tiny", "", [TensorData.Int64("x", [1, 16], new long[16])]).KServeBody),
        ("/v2/models/tiny/infer", new Workload("bad-shape", "tiny", "", [TensorData.Float("x", [1, 15], new float[15])]).KServeBody),
        ("/v2/models/no-such-model/infer", new Workload("bad-model", "tiny", "", [TensorData.Float("x", [1, 16], new float[16])]).KServeBody),
        ("/embed", "{\"inputs\": 42}"u8.ToArray()),
        ("/embed", "{\"inputs\": [\"a text\", 7]}"u8.ToArray()),
    ];

    public override TimeSpan Pause => TimeSpan.FromMilliseconds(50);

    public override async Task<FaultResult> RunOnceAsync(FaultContext context, int attempt, CancellationToken cancellationToken)
    {
        (string path, byte[] body) = Cases[attempt % Cases.Length];
        await using RawConnection connection = await context.HttpAsync(cancellationToken).ConfigureAwait(false);
        await connection.SendAsync(context.PostHead(path, body.Length, "Connection: close\r\n"), cancellationToken).ConfigureAwait(false);
        await connection.SendAsync(body, cancellationToken).ConfigureAwait(false);
        return FaultResult.ForBadInput(await connection.ReadHttpStatusAsync(cancellationToken).ConfigureAwait(false));
    }
}

/// <summary>
/// Malformed binary frames in turn: an unknown frame type (Error 400, the connection stays), a tensor of the wrong
/// datatype (Error 400), and a header with non-zero flags (Error 400, then the server closes: the stream is out of sync).
/// </summary>
internal sealed class MalformedBinary() : FaultClient("binary-malformed", "in turn: unknown frame type, INT64 for FP32, non-zero header flags")
{
    private static readonly byte[] WrongType = new Workload("bad-type", "tiny", "", [TensorData.Int64("x", [1, 16], new long[16])]).BinaryFrame;

    public override TimeSpan Pause => TimeSpan.FromMilliseconds(50);

    public override async Task<FaultResult> RunOnceAsync(FaultContext context, int attempt, CancellationToken cancellationToken)
    {
        byte[] frame;
        switch (attempt % 3)
        {
            case 0:
                frame = new byte[FrameHeader.Size + 4];
                new FrameHeader(4, (FrameType)99, 3).Write(frame);
                break;
            case 1:
                frame = WrongType;
                break;
            default:
                frame = (byte[])context.SmallFrame.Clone();
                frame[5] = 1;
                break;
        }

        await using RawConnection connection = await context.BinaryAsync(cancellationToken).ConfigureAwait(false);
        await connection.SendAsync(frame, cancellationToken).ConfigureAwait(false);
        return await connection.ReadFrameAsync(cancellationToken).ConfigureAwait(false) switch
        {
            null => FaultResult.Unexpected("closed without an answer"),
            { Type: FrameType.Error } answer => FaultResult.ForBadInput(RawConnection.ErrorCodeOf(answer.Payload)) is { Expected: true } ok
                ? ok with { Label = "error " + ok.Label } : FaultResult.Unexpected("error " + RawConnection.ErrorCodeOf(answer.Payload)),
            { } answer => FaultResult.Unexpected($"{answer.Type} instead of an Error frame: {Encoding.UTF8.GetString(answer.Payload.AsSpan(0, Math.Min(80, answer.Payload.Length)))}"),
        };
    }
}
