using System.Buffers.Binary;
using Aot.Models.Onnx;
using Aot.Protocol;

namespace Aot.Models.Tests;

/// <summary>Field numbers and encodings of the ONNX messages, decoded with an independent reader (numbers from onnx.proto).</summary>
public class OnnxWriterTests
{
    private static readonly OnnxModel Model = new(new OnnxGraph("g")
    {
        Nodes =
        [
            new OnnxNode("Conv", ["x", "w", ""], ["y"])
            {
                Name = "conv",
                Domain = "",
                DocString = "node doc",
                Attributes =
                [
                    OnnxAttribute.Ints("pads", 1, -1),
                    OnnxAttribute.Float("alpha", 0.5f),
                    OnnxAttribute.String("mode", "same"),
                    OnnxAttribute.Int("group", 2),
                    OnnxAttribute.Floats("scales", 1f, 2f),
                    OnnxAttribute.Strings("names", "a", "b"),
                    OnnxAttribute.Tensor("value", OnnxTensor.FromInt64s("v", [1], [9])),
                    OnnxAttribute.Graph("body", new OnnxGraph("sub")),
                ],
            },
        ],
        Initializers =
        [
            OnnxTensor.FromFloats("w", [2, 1], [1.5f, -2f]),
            OnnxTensor.FromStrings("labels", [2], ["cat", "dog"]),
            OnnxTensor.External("big", ElementType.Float, [1024], new OnnxExternalData("weights.bin", 4096, 4096)),
        ],
        Inputs =
        [
            OnnxValueInfo.Tensor("x", ElementType.Float, "batch", 0, OnnxDimension.Unknown) with { DocString = "input doc" },
            OnnxValueInfo.Tensor("scalar", ElementType.Int64),
            new OnnxValueInfo("unranked", new OnnxTensorType(ElementType.Float, null)),
            new OnnxValueInfo("seq", new OnnxSequenceType(new OnnxTensorType(ElementType.Float16, ["n"]))),
            new OnnxValueInfo("map", new OnnxMapType(ElementType.String, new OnnxTensorType(ElementType.Float, []))),
            new OnnxValueInfo("opt", new OnnxOptionalType(new OnnxTensorType(ElementType.Bool, [1]))),
        ],
        Outputs = [OnnxValueInfo.Tensor("y", ElementType.Float, "batch", 3) with { DocString = "output doc" }],
        ValueInfo = [OnnxValueInfo.Tensor("tmp", ElementType.Float, 1)],
        DocString = "graph doc",
    })
    {
        IrVersion = 9,
        Opsets = [OnnxOpset.Onnx(19), new OnnxOpset("com.microsoft", 1)],
        ProducerName = "producer",
        ProducerVersion = "1.0",
        Domain = "ai.test",
        ModelVersion = 42,
        DocString = "model doc",
        MetadataProps = [new("k1", "v1"), new("k2", "v2")],
    };

    private static readonly ProtobufReader Decoded = ProtobufReader.Parse(OnnxWriter.ToBytes(Model));

    private static ProtobufReader Graph => Decoded.Message(7);

    [Fact]
    public void ModelProto_fields()
    {
        Assert.Equal(9UL, Decoded.Varint(1));
        Assert.Equal("producer", Decoded.String(2));
        Assert.Equal("1.0", Decoded.String(3));
        Assert.Equal("ai.test", Decoded.String(4));
        Assert.Equal(42UL, Decoded.Varint(5));
        Assert.Equal("model doc", Decoded.String(6));

        var opsets = Decoded.All(8).Select(f => f.Message).ToList();
        Assert.Equal(["", "com.microsoft"], opsets.Select(o => o.String(1)));
        Assert.Equal([19UL, 1UL], opsets.Select(o => o.Varint(2)));

        var metadata = Decoded.All(14).Select(f => f.Message).ToList();
        Assert.Equal(["k1=v1", "k2=v2"], metadata.Select(m => $"{m.String(1)}={m.String(2)}"));
    }

    [Fact]
    public void Fields_are_written_in_field_number_order() =>
        Assert.Equal(Decoded.Fields.Select(f => f.Number).Order(), Decoded.Fields.Select(f => f.Number));

    [Fact]
    public void GraphProto_fields()
    {
        Assert.Equal("g", Graph.String(2));
        Assert.Equal("graph doc", Graph.String(10));
        Assert.Single(Graph.All(1));
        Assert.Equal(3, Graph.All(5).Count());
        Assert.Equal(["x", "scalar", "unranked", "seq", "map", "opt"], Graph.All(11).Select(f => f.Message.String(1)));
        Assert.Equal("y", Graph.Message(12).String(1));
        Assert.Equal("tmp", Graph.Message(13).String(1));
    }

    [Fact]
    public void NodeProto_fields()
    {
        var node = Graph.Message(1);
        Assert.Equal(["x", "w", ""], node.All(1).Select(f => f.String));
        Assert.Equal("y", node.String(2));
        Assert.Equal("conv", node.String(3));
        Assert.Equal("Conv", node.String(4));
        Assert.Equal("node doc", node.String(6));
        Assert.Equal("", node.String(7));
        Assert.Equal(8, node.All(5).Count());
    }

    [Fact]
    public void AttributeProto_fields_and_type_discriminator()
    {
        var attributes = Graph.Message(1).All(5).Select(f => f.Message).ToDictionary(a => a.String(1));

        Assert.Equal([1L, -1L], attributes["pads"].All(8).Select(f => f.Int64));
        Assert.Equal(7UL, attributes["pads"].Varint(20));
        Assert.Equal(0.5f, attributes["alpha"].Single(2).Float);
        Assert.Equal(1UL, attributes["alpha"].Varint(20));
        Assert.Equal("same", attributes["mode"].String(4));
        Assert.Equal(3UL, attributes["mode"].Varint(20));
        Assert.Equal(2UL, attributes["group"].Varint(3));
        Assert.Equal(2UL, attributes["group"].Varint(20));
        Assert.Equal([1f, 2f], attributes["scales"].All(7).Select(f => f.Float));
        Assert.Equal(6UL, attributes["scales"].Varint(20));
        Assert.Equal(["a", "b"], attributes["names"].All(9).Select(f => f.String));
        Assert.Equal(8UL, attributes["names"].Varint(20));
        Assert.Equal("v", attributes["value"].Message(5).String(8));
        Assert.Equal(4UL, attributes["value"].Varint(20));
        Assert.Equal("sub", attributes["body"].Message(6).String(2));
        Assert.Equal(5UL, attributes["body"].Varint(20));
    }

    [Fact]
    public void TensorProto_raw_string_and_external_data()
    {
        var tensors = Graph.All(5).Select(f => f.Message).ToDictionary(t => t.String(8));

        var w = tensors["w"];
        Assert.Equal([2L, 1L], w.All(1).Select(f => f.Int64));
        Assert.Equal((ulong)ElementType.Float, w.Varint(2));
        var raw = w.Single(9).Bytes.Span;
        Assert.Equal([1.5f, -2f], [BinaryPrimitives.ReadSingleLittleEndian(raw), BinaryPrimitives.ReadSingleLittleEndian(raw[4..])]);

        var labels = tensors["labels"];
        Assert.Equal((ulong)ElementType.String, labels.Varint(2));
        Assert.Equal(["cat", "dog"], labels.All(6).Select(f => f.String));
        Assert.False(labels.Has(9));

        var big = tensors["big"];
        Assert.False(big.Has(9));
        Assert.Equal(1UL, big.Varint(14));
        Assert.Equal(["location=weights.bin", "offset=4096", "length=4096"],
            big.All(13).Select(f => f.Message).Select(e => $"{e.String(1)}={e.String(2)}"));
    }

    [Fact]
    public void ValueInfo_and_TypeProto_tensor_shapes()
    {
        var inputs = Graph.All(11).Select(f => f.Message).ToDictionary(v => v.String(1));

        var x = inputs["x"];
        Assert.Equal("input doc", x.String(3));
        var tensorType = x.Message(2).Message(1);
        Assert.Equal((ulong)ElementType.Float, tensorType.Varint(1));
        var dims = tensorType.Message(2).All(1).Select(f => f.Message).ToList();
        Assert.Equal("batch", dims[0].String(2));
        Assert.Equal(0UL, dims[1].Varint(1));          // a zero dim is still written: dim_value is a oneof member
        Assert.Empty(dims[2].Fields);                 // unknown: neither dim_value nor dim_param

        var scalarShape = inputs["scalar"].Message(2).Message(1).Message(2);
        Assert.Empty(scalarShape.Fields);             // present but empty: rank 0
        Assert.False(inputs["unranked"].Message(2).Message(1).Has(2)); // absent: rank unknown
    }

    [Fact]
    public void TypeProto_sequence_map_optional()
    {
        var inputs = Graph.All(11).Select(f => f.Message).ToDictionary(v => v.String(1));

        var sequenceElement = inputs["seq"].Message(2).Message(4).Message(1);
        Assert.Equal((ulong)ElementType.Float16, sequenceElement.Message(1).Varint(1));
        Assert.Equal("n", sequenceElement.Message(1).Message(2).Message(1).String(2));

        var map = inputs["map"].Message(2).Message(5);
        Assert.Equal((ulong)ElementType.String, map.Varint(1));
        Assert.Equal((ulong)ElementType.Float, map.Message(2).Message(1).Varint(1));

        var optionalElement = inputs["opt"].Message(2).Message(9).Message(1);
        Assert.Equal((ulong)ElementType.Bool, optionalElement.Message(1).Varint(1));
    }

    [Fact]
    public void Output_doc_string_is_field_3() => Assert.Equal("output doc", Graph.Message(12).String(3));

    [Fact]
    public void Raw_data_length_must_match_shape() =>
        Assert.Throws<ArgumentException>(() => OnnxTensor.FromRawData("t", ElementType.Int32, [2], new byte[4]));

    [Fact]
    public void Int4_raw_data_packs_two_per_byte() =>
        Assert.Equal(2, OnnxTensor.FromRawData("t", ElementType.Int4, [3], new byte[2]).RawData.Length);
}
