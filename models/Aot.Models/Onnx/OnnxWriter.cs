using System.Globalization;
using Aot.Models.Protobuf;
using Fields = Aot.Models.Onnx.OnnxFieldNumbers;

namespace Aot.Models.Onnx;

/// <summary>
/// Serialises an <see cref="OnnxModel"/> to the ONNX protobuf format. The output is canonical: fields in field
/// number order, repeated numbers unpacked as protobuf 2 writes them for onnx.proto (what PyTorch and the onnx
/// package emit), optional fields omitted when null. The same model therefore always gives the same bytes.
/// </summary>
public static class OnnxWriter
{
    /// <summary>Writes <paramref name="model"/> to <paramref name="output"/>; tensor bytes are streamed, not copied.</summary>
    public static void Write(OnnxModel model, Stream output)
    {
        ArgumentNullException.ThrowIfNull(model);
        WriteModel(ProtobufWriter.ToStream(output), model);
    }

    /// <summary>Writes <paramref name="model"/> to a new file at <paramref name="path"/> (replacing any file there).</summary>
    public static void WriteFile(OnnxModel model, string path)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        Write(model, file);
    }

    /// <summary>The serialised bytes of <paramref name="model"/>.</summary>
    public static byte[] ToBytes(OnnxModel model)
    {
        using var buffer = new MemoryStream();
        Write(model, buffer);
        return buffer.ToArray();
    }

    private static void WriteModel(ProtobufWriter w, OnnxModel m)
    {
        w.WriteInt64(Fields.Model.IrVersion, m.IrVersion);
        WriteOptionalString(w, Fields.Model.ProducerName, m.ProducerName);
        WriteOptionalString(w, Fields.Model.ProducerVersion, m.ProducerVersion);
        WriteOptionalString(w, Fields.Model.Domain, m.Domain);
        if (m.ModelVersion is { } version)
            w.WriteInt64(Fields.Model.ModelVersion, version);
        WriteOptionalString(w, Fields.Model.DocString, m.DocString);
        w.WriteMessage(Fields.Model.Graph, m.Graph, WriteGraph);
        foreach (var opset in m.Opsets)
            w.WriteMessage(Fields.Model.OpsetImport, opset, WriteOpset);
        foreach (var entry in m.MetadataProps)
            w.WriteMessage(Fields.Model.MetadataProps, entry, WriteStringStringEntry);
    }

    private static void WriteOpset(ProtobufWriter w, OnnxOpset opset)
    {
        // The default domain is written as "" like the onnx package does, so readers see it explicitly.
        w.WriteString(Fields.OperatorSetId.Domain, opset.Domain);
        w.WriteInt64(Fields.OperatorSetId.Version, opset.Version);
    }

    private static void WriteStringStringEntry(ProtobufWriter w, KeyValuePair<string, string> entry)
    {
        w.WriteString(Fields.StringStringEntry.Key, entry.Key);
        w.WriteString(Fields.StringStringEntry.Value, entry.Value);
    }

    private static void WriteGraph(ProtobufWriter w, OnnxGraph g)
    {
        foreach (var node in g.Nodes)
            w.WriteMessage(Fields.Graph.Node, node, WriteNode);
        w.WriteString(Fields.Graph.Name, g.Name);
        foreach (var initializer in g.Initializers)
            w.WriteMessage(Fields.Graph.Initializer, initializer, WriteTensor);
        WriteOptionalString(w, Fields.Graph.DocString, g.DocString);
        foreach (var input in g.Inputs)
            w.WriteMessage(Fields.Graph.Input, input, WriteValueInfo);
        foreach (var output in g.Outputs)
            w.WriteMessage(Fields.Graph.Output, output, WriteValueInfo);
        foreach (var valueInfo in g.ValueInfo)
            w.WriteMessage(Fields.Graph.ValueInfo, valueInfo, WriteValueInfo);
    }

    private static void WriteNode(ProtobufWriter w, OnnxNode n)
    {
        foreach (var input in n.Inputs)
            w.WriteString(Fields.Node.Input, input);
        foreach (var output in n.Outputs)
            w.WriteString(Fields.Node.Output, output);
        WriteOptionalString(w, Fields.Node.Name, n.Name);
        w.WriteString(Fields.Node.OpType, n.OpType);
        foreach (var attribute in n.Attributes)
            w.WriteMessage(Fields.Node.Attribute, attribute, WriteAttribute);
        WriteOptionalString(w, Fields.Node.DocString, n.DocString);
        WriteOptionalString(w, Fields.Node.Domain, n.Domain);
    }

    private static void WriteAttribute(ProtobufWriter w, OnnxAttribute a)
    {
        w.WriteString(Fields.Attribute.Name, a.Name);
        switch (a.Type)
        {
            case OnnxAttributeType.Float:
                w.WriteFloat(Fields.Attribute.F, a.FloatValue);
                break;
            case OnnxAttributeType.Int:
                w.WriteInt64(Fields.Attribute.I, a.IntValue);
                break;
            case OnnxAttributeType.String:
                w.WriteString(Fields.Attribute.S, a.StringValue!);
                break;
            case OnnxAttributeType.Tensor:
                w.WriteMessage(Fields.Attribute.T, a.TensorValue!, WriteTensor);
                break;
            case OnnxAttributeType.Graph:
                w.WriteMessage(Fields.Attribute.G, a.GraphValue!, WriteGraph);
                break;
            case OnnxAttributeType.Floats:
                foreach (var value in a.FloatValues)
                    w.WriteFloat(Fields.Attribute.Floats, value);
                break;
            case OnnxAttributeType.Ints:
                foreach (var value in a.IntValues)
                    w.WriteInt64(Fields.Attribute.Ints, value);
                break;
            case OnnxAttributeType.Strings:
                foreach (var value in a.StringValues)
                    w.WriteString(Fields.Attribute.Strings, value);
                break;
            default:
                throw new InvalidOperationException($"Attribute '{a.Name}' has unsupported type {a.Type}.");
        }
        w.WriteInt32(Fields.Attribute.Type, (int)a.Type);
    }

    private static void WriteTensor(ProtobufWriter w, OnnxTensor t)
    {
        foreach (var dim in t.Dims)
            w.WriteInt64(Fields.Tensor.Dims, dim);
        w.WriteInt32(Fields.Tensor.DataType, (int)t.DataType);
        if (t.StringData is { } strings)
        {
            foreach (var value in strings)
                w.WriteString(Fields.Tensor.StringData, value);
        }
        w.WriteString(Fields.Tensor.Name, t.Name);
        if (t.ExternalData is null && !t.RawData.IsEmpty)
            w.WriteBytes(Fields.Tensor.RawData, t.RawData.Span);
        WriteOptionalString(w, Fields.Tensor.DocString, t.DocString);
        if (t.ExternalData is { } external)
        {
            // Keys and string-encoded integers as defined for TensorProto.external_data.
            WriteExternalDataEntry(w, "location", external.Location);
            WriteExternalDataEntry(w, "offset", external.Offset.ToString(CultureInfo.InvariantCulture));
            WriteExternalDataEntry(w, "length", external.Length.ToString(CultureInfo.InvariantCulture));
            w.WriteInt32(Fields.Tensor.DataLocation, Fields.Tensor.DataLocationExternal);
        }
    }

    private static void WriteExternalDataEntry(ProtobufWriter w, string key, string value) =>
        w.WriteMessage(Fields.Tensor.ExternalData, new KeyValuePair<string, string>(key, value), WriteStringStringEntry);

    private static void WriteValueInfo(ProtobufWriter w, OnnxValueInfo v)
    {
        w.WriteString(Fields.ValueInfo.Name, v.Name);
        w.WriteMessage(Fields.ValueInfo.Type, v.Type, WriteType);
        WriteOptionalString(w, Fields.ValueInfo.DocString, v.DocString);
    }

    private static void WriteType(ProtobufWriter w, OnnxType type)
    {
        switch (type)
        {
            case OnnxTensorType tensor:
                w.WriteMessage(Fields.Type.TensorType, tensor, WriteTensorType);
                break;
            case OnnxSequenceType sequence:
                w.WriteMessage(Fields.Type.SequenceType, sequence.ElementType,
                    static (w, element) => w.WriteMessage(Fields.Type.SequenceElemType, element, WriteType));
                break;
            case OnnxMapType map:
                w.WriteMessage(Fields.Type.MapType, map, static (w, map) =>
                {
                    w.WriteInt32(Fields.Type.MapKeyType, (int)map.KeyType);
                    w.WriteMessage(Fields.Type.MapValueType, map.ValueType, WriteType);
                });
                break;
            case OnnxOptionalType optional:
                w.WriteMessage(Fields.Type.OptionalType, optional.ElementType,
                    static (w, element) => w.WriteMessage(Fields.Type.OptionalElemType, element, WriteType));
                break;
            default:
                throw new InvalidOperationException($"Unsupported ONNX type {type.GetType().Name}.");
        }
    }

    private static void WriteTensorType(ProtobufWriter w, OnnxTensorType tensor)
    {
        w.WriteInt32(Fields.Type.TensorElemType, (int)tensor.ElementType);
        // No shape field means "rank unknown"; an empty shape message means a scalar.
        if (tensor.Shape is { } shape)
            w.WriteMessage(Fields.Type.TensorShape, shape, WriteShape);
    }

    private static void WriteShape(ProtobufWriter w, IReadOnlyList<OnnxDimension> shape)
    {
        foreach (var dim in shape)
            w.WriteMessage(Fields.TensorShape.Dim, dim, WriteDimension);
    }

    private static void WriteDimension(ProtobufWriter w, OnnxDimension dim)
    {
        // A dimension with neither field is "unknown"; dim_value 0 is still written because it is a oneof member.
        if (dim.Value is { } value)
            w.WriteInt64(Fields.Dimension.DimValue, value);
        else if (dim.Symbol is { } symbol)
            w.WriteString(Fields.Dimension.DimParam, symbol);
    }

    private static void WriteOptionalString(ProtobufWriter w, int fieldNumber, string? value)
    {
        if (value is not null)
            w.WriteString(fieldNumber, value);
    }
}
