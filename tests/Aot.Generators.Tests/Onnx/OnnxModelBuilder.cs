using Aot.Protocol;
namespace Aot.Generators.Tests.Onnx;

/// <summary>TensorProto.DataType values.</summary>
internal static class Elem
{
    public const int Float = 1, UInt8 = 2, Int8 = 3, UInt16 = 4, Int16 = 5, Int32 = 6, Int64 = 7, String = 8, Bool = 9,
        Float16 = 10, Double = 11, UInt32 = 12, UInt64 = 13, Complex64 = 14, Complex128 = 15, BFloat16 = 16,
        Float8E4M3FN = 17, Float8E4M3FNUZ = 18, Float8E5M2 = 19, Float8E5M2FNUZ = 20, UInt4 = 21, Int4 = 22, Float4E2M1 = 23;
}

/// <summary>A TypeProto, as the code that writes it.</summary>
internal sealed record OnnxType(Action<ProtoWriter> Write)
{
    /// <summary>A tensor; each dim is a <c>long</c> (fixed), a <c>string</c> (symbolic) or <c>null</c> (unknown).</summary>
    public static OnnxType Tensor(int elementType, params object?[] dims) => new(w => w.Message(1, t => TensorBody(t, elementType, dims)));

    /// <summary>A tensor with no shape at all (unknown rank), unlike a scalar, whose shape has no dims.</summary>
    public static OnnxType TensorWithoutShape(int elementType) => new(w => w.Message(1, t => t.Varint(1, elementType)));

    public static OnnxType SparseTensor(int elementType, params object?[] dims) => new(w => w.Message(8, t => TensorBody(t, elementType, dims)));

    public static OnnxType Sequence(OnnxType element) => new(w => w.Message(4, s => s.Message(1, element.Write)));

    public static OnnxType Optional(OnnxType element) => new(w => w.Message(9, s => s.Message(1, element.Write)));

    public static OnnxType Map(int keyType, OnnxType value) => new(w => w.Message(5, m => m.Varint(1, keyType).Message(2, value.Write)));

    public static OnnxType None => new(_ => { });

    private static void TensorBody(ProtoWriter t, int elementType, object?[] dims)
    {
        t.Varint(1, elementType);
        t.Message(2, shape =>
        {
            foreach (object? dim in dims)
            {
                shape.Message(1, d =>
                {
                    switch (dim)
                    {
                        case string symbol: d.String(2, symbol); break;
                        case null: break;
                        default: d.Varint(1, Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture)); break;
                    }
                });
            }
        });
    }
}

/// <summary>Builds ONNX models byte by byte, in the field order exporters use.</summary>
internal sealed class OnnxModelBuilder
{
    private readonly List<(string Name, OnnxType Type, string Doc)> _inputs = new();
    private readonly List<(string Name, OnnxType Type, string Doc)> _outputs = new();
    private readonly List<Action<ProtoWriter>> _initializers = new();
    private readonly List<Action<ProtoWriter>> _nodes = new();
    private readonly List<(string Domain, long Version)> _opsets = new() { ("", 17) };
    private readonly List<(string Key, string Value)> _metadata = new();

    public long IrVersion { get; set; } = 8;
    public string ProducerName { get; set; } = "aot-tests";
    public string ProducerVersion { get; set; } = "1.0";
    public string Domain { get; set; } = "";
    public long ModelVersion { get; set; }
    public string DocString { get; set; } = "";
    public string GraphName { get; set; } = "main";
    public string GraphDocString { get; set; } = "";

    public OnnxModelBuilder Input(string name, OnnxType type, string doc = "")
    {
        _inputs.Add((name, type, doc));
        return this;
    }

    public OnnxModelBuilder Output(string name, OnnxType type, string doc = "")
    {
        _outputs.Add((name, type, doc));
        return this;
    }

    public OnnxModelBuilder Opset(string domain, long version)
    {
        _opsets.Add((domain, version));
        return this;
    }

    public OnnxModelBuilder ClearOpsets()
    {
        _opsets.Clear();
        return this;
    }

    public OnnxModelBuilder Metadata(string key, string value)
    {
        _metadata.Add((key, value));
        return this;
    }

    /// <summary>An initializer with inline raw_data.</summary>
    public OnnxModelBuilder Initializer(string name, int elementType, long[] dims, byte[] rawData)
    {
        _initializers.Add(w => w.Message(5, t => Dims(t, dims).Varint(2, elementType).String(8, name).Bytes(9, rawData)));
        return this;
    }

    /// <summary>A float initializer of <paramref name="values"/>.</summary>
    public OnnxModelBuilder Initializer(string name, long[] dims, params float[] values)
    {
        byte[] raw = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
        return Initializer(name, Elem.Float, dims, raw);
    }

    /// <summary>A float initializer of <paramref name="bytes"/> zero bytes, streamed out without being allocated.</summary>
    public OnnxModelBuilder LargeInitializer(string name, long bytes)
    {
        _initializers.Add(w => w.Message(5, t => Dims(t, new[] { bytes / 4 }).Varint(2, Elem.Float).String(8, name).Zeros(9, bytes)));
        return this;
    }

    /// <summary>An initializer whose data lives in another file (TensorProto.data_location = EXTERNAL).</summary>
    public OnnxModelBuilder ExternalInitializer(string name, long[] dims, string location, long length)
    {
        _initializers.Add(w => w.Message(5, t =>
        {
            Dims(t, dims).Varint(2, Elem.Float).String(8, name);
            t.Message(13, e => e.String(1, "location").String(2, location));
            t.Message(13, e => e.String(1, "offset").String(2, "0"));
            t.Message(13, e => e.String(1, "length").String(2, length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            t.Varint(14, 1);
        }));
        return this;
    }

    /// <summary>An initializer written with float_data (field 4) before its name, as old exporters did.</summary>
    public OnnxModelBuilder FloatDataInitializer(string name, long[] dims, params float[] values)
    {
        _initializers.Add(w => w.Message(5, t =>
        {
            Dims(t, dims).Varint(2, Elem.Float);
            byte[] packed = new byte[values.Length * 4];
            Buffer.BlockCopy(values, 0, packed, 0, packed.Length);
            t.Bytes(4, packed).String(8, name);
        }));
        return this;
    }

    /// <summary>A sparse initializer (GraphProto field 15) whose values tensor is named <paramref name="name"/>.</summary>
    public OnnxModelBuilder SparseInitializer(string name)
    {
        _initializers.Add(w => w.Message(15, s => s
            .Message(1, v => v.Varint(1, 2).Varint(2, Elem.Float).String(8, name).Bytes(9, new byte[8]))
            .Message(2, i => i.Varint(1, 2).Varint(2, Elem.Int64).Bytes(9, new byte[16]))
            .Varint(3, 4)));
        return this;
    }

    /// <summary>A node; attributes are written by <paramref name="attributes"/> as AttributeProto messages (field 5).</summary>
    public OnnxModelBuilder Node(string opType, string[] inputs, string[] outputs, Action<ProtoWriter>? attributes = null)
    {
        _nodes.Add(w => w.Message(1, n =>
        {
            foreach (string input in inputs)
            {
                n.String(1, input);
            }

            foreach (string output in outputs)
            {
                n.String(2, output);
            }

            n.String(3, opType + "_" + outputs.FirstOrDefault()).String(4, opType);
            attributes?.Invoke(n);
        }));
        return this;
    }

    /// <summary>An INT attribute (AttributeProto name=1, i=3, type=20 INT).</summary>
    public static Action<ProtoWriter> IntAttribute(string name, long value) =>
        n => n.Message(5, a => a.String(1, name).Varint(3, value).Varint(20, 2));

    public ProtoWriter Build()
    {
        var model = new ProtoWriter();
        model.Varint(1, IrVersion);
        model.String(2, ProducerName).String(3, ProducerVersion);
        if (Domain.Length > 0)
        {
            model.String(4, Domain);
        }

        if (ModelVersion != 0)
        {
            model.Varint(5, ModelVersion);
        }

        if (DocString.Length > 0)
        {
            model.String(6, DocString);
        }

        model.Message(7, graph =>
        {
            foreach (Action<ProtoWriter> node in _nodes)
            {
                node(graph);
            }

            graph.String(2, GraphName);
            foreach (Action<ProtoWriter> initializer in _initializers)
            {
                initializer(graph);
            }

            if (GraphDocString.Length > 0)
            {
                graph.String(10, GraphDocString);
            }

            foreach ((string name, OnnxType type, string doc) in _inputs)
            {
                graph.Message(11, v => ValueInfo(v, name, type, doc));
            }

            foreach ((string name, OnnxType type, string doc) in _outputs)
            {
                graph.Message(12, v => ValueInfo(v, name, type, doc));
            }
        });
        foreach ((string domain, long version) in _opsets)
        {
            model.Message(8, o => o.String(1, domain).Varint(2, version));
        }

        foreach ((string key, string value) in _metadata)
        {
            model.Message(14, e => e.String(1, key).String(2, value));
        }

        return model;
    }

    public byte[] ToArray() => Build().ToArray();

    public void WriteTo(string path)
    {
        using var file = File.Create(path);
        Build().WriteTo(file);
    }

    private static ProtoWriter Dims(ProtoWriter t, long[] dims)
    {
        foreach (long dim in dims)
        {
            t.Varint(1, dim);
        }

        return t;
    }

    private static void ValueInfo(ProtoWriter v, string name, OnnxType type, string doc)
    {
        v.String(1, name);
        v.Message(2, type.Write);
        if (doc.Length > 0)
        {
            v.String(3, doc);
        }
    }
}
