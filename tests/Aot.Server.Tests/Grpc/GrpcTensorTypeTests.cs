using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Aot.Protocol;
using Aot.Server.Tests.EndToEnd;
using Aot.Server.Tests.Infrastructure;
using Google.Protobuf;
using Grpc.Net.Client;
using Inference;
using static Aot.Server.Tests.Grpc.GrpcTestClient;

namespace Aot.Server.Tests.Grpc;

/// <summary>Every element type through the identity fixtures (x → y, [batch, 3]), as raw contents and as typed contents, strings (BYTES) included.</summary>
public sealed class GrpcTensorTypeTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private static readonly string[] Texts = ["a", "ünïcødé ✓", "", "tab\tnew\nline", "🙂 emoji", "z"];

    private readonly GrpcChannel _channel = Channel(fixture.Server);

    private GRPCInferenceService.GRPCInferenceServiceClient Client => InferenceClient(_channel);

    public void Dispose() => _channel.Dispose();

    public static TheoryData<ElementType> NumericTypes => [.. TestModels.NumericIdentityTypes];

    [Theory]
    [MemberData(nameof(NumericTypes))]
    public async Task Raw_contents_come_back_byte_for_byte(ElementType type)
    {
        byte[] bytes = Bytes(type, rows: 2);
        ModelInferResponse answer = await Client.ModelInferAsync(new ModelInferRequest
        {
            ModelName = ServerFixture.IdentityModel(type),
            Inputs = { Input("x", ElementTypes.ToKServeName(type), 2, 3) },
            RawInputContents = { ByteString.CopyFrom(bytes) },
        });

        Assert.Equal(ElementTypes.ToKServeName(type), answer.Outputs[0].Datatype);
        Assert.Equal([2L, 3], answer.Outputs[0].Shape);
        Assert.Equal(bytes, answer.RawOutputContents[0].ToByteArray());
    }

    [Theory]
    [MemberData(nameof(NumericTypes))]
    public async Task Typed_contents_come_back_in_the_same_field(ElementType type)
    {
        if (type is ElementType.Float16 or ElementType.BFloat16)
        {
            // No typed field exists for them (GrpcErrorTests checks the message); a raw answer is the only form.
            return;
        }

        InferTensorContents contents = Typed(type, Bytes(type, rows: 2));
        var input = Input("x", ElementTypes.ToKServeName(type), 2, 3);
        input.Contents = contents;
        ModelInferResponse answer = await Client.ModelInferAsync(new ModelInferRequest { ModelName = ServerFixture.IdentityModel(type), Inputs = { input } });

        Assert.Empty(answer.RawOutputContents);
        Assert.Equal(contents, answer.Outputs[0].Contents);
    }

    [Fact]
    public async Task Strings_travel_as_bytes_contents_and_as_length_prefixed_raw_contents()
    {
        var input = Input("x", "BYTES", 2, 3);
        input.Contents = new InferTensorContents();
        input.Contents.BytesContents.Add(Texts.Select(static t => ByteString.CopyFromUtf8(t)));
        ModelInferResponse typed = await Client.ModelInferAsync(new ModelInferRequest { ModelName = "id-string", Inputs = { input } });
        Assert.Equal(Texts, typed.Outputs[0].Contents.BytesContents.Select(static b => b.ToStringUtf8()));

        byte[] raw = LengthPrefixed(Texts);
        ModelInferResponse rawAnswer = await Client.ModelInferAsync(new ModelInferRequest
        {
            ModelName = "id-string",
            Inputs = { Input("x", "BYTES", 2, 3) },
            RawInputContents = { ByteString.CopyFrom(raw) },
        });
        Assert.Equal("BYTES", rawAnswer.Outputs[0].Datatype);
        Assert.Equal(raw, rawAnswer.RawOutputContents[0].ToByteArray());
    }

    /// <summary>Distinct, in-range bytes for <paramref name="rows"/> × 3 elements of <paramref name="type"/> (bools 0/1, floats finite).</summary>
    private static byte[] Bytes(ElementType type, int rows)
    {
        int count = rows * 3;
        int size = ElementTypes.SizeOf(type);
        byte[] bytes = new byte[count * size];
        for (int i = 0; i < count; i++)
        {
            Span<byte> element = bytes.AsSpan(i * size, size);
            switch (type)
            {
                case ElementType.Bool: element[0] = (byte)(i % 2); break;
                case ElementType.Float: BinaryPrimitives.WriteSingleLittleEndian(element, i * 1.5f - 2); break;
                case ElementType.Double: BinaryPrimitives.WriteDoubleLittleEndian(element, i * 1e100 - 1); break;
                case ElementType.Float16: BinaryPrimitives.WriteHalfLittleEndian(element, (Half)(i * 0.5f - 1)); break;
                case ElementType.BFloat16: BinaryPrimitives.WriteUInt16LittleEndian(element, (ushort)(0x3F80 + i)); break;
                default:
                    for (int b = 0; b < size; b++)
                    {
                        element[b] = (byte)(0x81 * (i + 1) + b * 31); // high bits set: signed types go negative
                    }

                    break;
            }
        }

        return bytes;
    }

    /// <summary>The same values in <paramref name="type"/>'s typed field, built independently of the server's conversion.</summary>
    private static InferTensorContents Typed(ElementType type, byte[] bytes)
    {
        var contents = new InferTensorContents();
        switch (type)
        {
            case ElementType.Bool: contents.BoolContents.Add(bytes.Select(static b => b != 0)); break;
            case ElementType.Float: contents.Fp32Contents.Add(MemoryMarshal.Cast<byte, float>(bytes).ToArray()); break;
            case ElementType.Double: contents.Fp64Contents.Add(MemoryMarshal.Cast<byte, double>(bytes).ToArray()); break;
            case ElementType.Int8: contents.IntContents.Add(MemoryMarshal.Cast<byte, sbyte>(bytes).ToArray().Select(static v => (int)v)); break;
            case ElementType.Int16: contents.IntContents.Add(MemoryMarshal.Cast<byte, short>(bytes).ToArray().Select(static v => (int)v)); break;
            case ElementType.Int32: contents.IntContents.Add(MemoryMarshal.Cast<byte, int>(bytes).ToArray()); break;
            case ElementType.Int64: contents.Int64Contents.Add(MemoryMarshal.Cast<byte, long>(bytes).ToArray()); break;
            case ElementType.UInt8: contents.UintContents.Add(bytes.Select(static v => (uint)v)); break;
            case ElementType.UInt16: contents.UintContents.Add(MemoryMarshal.Cast<byte, ushort>(bytes).ToArray().Select(static v => (uint)v)); break;
            case ElementType.UInt32: contents.UintContents.Add(MemoryMarshal.Cast<byte, uint>(bytes).ToArray()); break;
            case ElementType.UInt64: contents.Uint64Contents.Add(MemoryMarshal.Cast<byte, ulong>(bytes).ToArray()); break;
            default: throw new ArgumentOutOfRangeException(nameof(type), type, "no typed field");
        }

        return contents;
    }

    private static byte[] LengthPrefixed(IEnumerable<string> values)
    {
        var bytes = new List<byte>();
        foreach (string value in values)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(value);
            byte[] length = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)utf8.Length);
            bytes.AddRange(length);
            bytes.AddRange(utf8);
        }

        return [.. bytes];
    }
}
