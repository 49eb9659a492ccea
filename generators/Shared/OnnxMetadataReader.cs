using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Aot.Generators.Onnx;

/// <summary>
/// Reads an ONNX model's metadata (inputs, outputs, producer, doc strings, opsets, metadata_props) straight from the
/// protobuf bytes, seeking over nodes and weights, so a 100 MB model costs a few kilobytes of reads.
/// </summary>
/// <remarks>
/// Field numbers are those of onnx.proto (IR versions 3 to 11). Graph inputs that are also initializers (the usual
/// layout before IR 4) are weights with a default value, not inputs a caller must feed; like ONNX Runtime, this reader
/// leaves them out. Tensors stored as external data carry only a location here, which is never followed.
/// </remarks>
internal static class OnnxMetadataReader
{
    /// <summary>Longest name accepted; anything longer is a corrupt file rather than a real tensor name.</summary>
    public const int MaxNameBytes = 64 * 1024;

    /// <summary>Doc strings are cut here: they end up in XML docs, where more would only bloat the build.</summary>
    public const int MaxDocStringBytes = 16 * 1024;

    private const int MaxTypeDepth = 32;

    private static readonly byte[] s_gitLfsPointer = Encoding.ASCII.GetBytes("version https://git-lfs");

    public static OnnxModelInfo Read(Stream stream)
    {
        var reader = new ProtobufReader(stream);
        if (reader.Length == 0)
        {
            throw new OnnxFormatException("the file is empty");
        }

        if (reader.StartsWith(s_gitLfsPointer))
        {
            throw new OnnxFormatException("the file is a Git LFS pointer, not the model (fetch the real file, e.g. with 'git lfs pull')");
        }

        return ReadModel(reader);
    }

    private static OnnxModelInfo ReadModel(ProtobufReader reader)
    {
        long end = reader.Length;
        long irVersion = 0;
        long modelVersion = 0;
        string producerName = "", producerVersion = "", domain = "", docString = "";
        GraphInfo? graph = null;
        var opsets = new List<OnnxOpset>();
        var metadata = new List<KeyValuePair<string, string>>();

        while (reader.TryReadTag(end, out int field, out WireType wireType))
        {
            switch (field)
            {
                case 1 when wireType == WireType.Varint:
                    irVersion = reader.ReadInt64(end);
                    break;
                case 2 when wireType == WireType.LengthDelimited:
                    producerName = ReadName(reader, end);
                    break;
                case 3 when wireType == WireType.LengthDelimited:
                    producerVersion = ReadName(reader, end);
                    break;
                case 4 when wireType == WireType.LengthDelimited:
                    domain = ReadName(reader, end);
                    break;
                case 5 when wireType == WireType.Varint:
                    modelVersion = reader.ReadInt64(end);
                    break;
                case 6 when wireType == WireType.LengthDelimited:
                    docString = ReadDocString(reader, end);
                    break;
                case 7 when wireType == WireType.LengthDelimited:
                    graph = ReadGraph(reader, reader.ReadLengthPrefix(end));
                    break;
                case 8 when wireType == WireType.LengthDelimited:
                    opsets.Add(ReadOpset(reader, reader.ReadLengthPrefix(end)));
                    break;
                case 14 when wireType == WireType.LengthDelimited:
                    metadata.Add(ReadStringEntry(reader, reader.ReadLengthPrefix(end)));
                    break;
                case 1 or 2 or 3 or 4 or 5 or 6 or 7 or 8 or 14:
                    throw WrongWireType("ModelProto", field, wireType, reader);
                default:
                    reader.SkipField(wireType, end);
                    break;
            }
        }

        if (graph is null)
        {
            // Random bytes and other protobuf messages rarely fail to parse, but they never carry a graph.
            throw new OnnxFormatException("no graph found: this is not an ONNX model, or it is truncated");
        }

        return new OnnxModelInfo(
            irVersion, producerName, producerVersion, domain, modelVersion, docString,
            graph.Name, graph.DocString, opsets, metadata, graph.Inputs, graph.Outputs);
    }

    private static GraphInfo ReadGraph(ProtobufReader reader, long end)
    {
        string name = "", docString = "";
        var inputs = new List<OnnxValueInfo>();
        var outputs = new List<OnnxValueInfo>();
        var initializers = new HashSet<string>(StringComparer.Ordinal);

        while (reader.TryReadTag(end, out int field, out WireType wireType))
        {
            switch (field)
            {
                case 2 when wireType == WireType.LengthDelimited:
                    name = ReadName(reader, end);
                    break;
                case 5 when wireType == WireType.LengthDelimited:
                    AddIfNamed(initializers, ReadTensorName(reader, reader.ReadLengthPrefix(end)));
                    break;
                case 10 when wireType == WireType.LengthDelimited:
                    docString = ReadDocString(reader, end);
                    break;
                case 11 when wireType == WireType.LengthDelimited:
                    inputs.Add(ReadValueInfo(reader, reader.ReadLengthPrefix(end)));
                    break;
                case 12 when wireType == WireType.LengthDelimited:
                    outputs.Add(ReadValueInfo(reader, reader.ReadLengthPrefix(end)));
                    break;
                case 15 when wireType == WireType.LengthDelimited:
                    AddIfNamed(initializers, ReadSparseTensorName(reader, reader.ReadLengthPrefix(end)));
                    break;
                case 2 or 5 or 10 or 11 or 12 or 15:
                    throw WrongWireType("GraphProto", field, wireType, reader);
                default:
                    // node (1), value_info (13), quantization_annotation (14), metadata_props (16): seek over them.
                    reader.SkipField(wireType, end);
                    break;
            }
        }

        if (initializers.Count > 0)
        {
            inputs.RemoveAll(input => initializers.Contains(input.Name));
        }

        return new GraphInfo(name, docString, inputs, outputs);
    }

    private static void AddIfNamed(HashSet<string> names, string? name)
    {
        if (!string.IsNullOrEmpty(name))
        {
            names.Add(name!);
        }
    }

    /// <summary>Reads TensorProto.name (8) and seeks over the rest, data included, whichever order the fields come in.</summary>
    private static string? ReadTensorName(ProtobufReader reader, long end)
    {
        string? name = null;
        while (reader.TryReadTag(end, out int field, out WireType wireType))
        {
            if (field == 8 && wireType == WireType.LengthDelimited)
            {
                name = ReadName(reader, end);
                if (reader.Position < end)
                {
                    // Exporters write fields in number order, so only raw_data (9) and later remain: skip them all.
                    // A later duplicate name field (legal protobuf, last wins) is not worth reading the data for.
                    reader.Seek(end);
                }
            }
            else
            {
                reader.SkipField(wireType, end);
            }
        }

        return name;
    }

    /// <summary>SparseTensorProto: the name is that of its <c>values</c> tensor (field 1).</summary>
    private static string? ReadSparseTensorName(ProtobufReader reader, long end)
    {
        string? name = null;
        while (reader.TryReadTag(end, out int field, out WireType wireType))
        {
            if (field == 1 && wireType == WireType.LengthDelimited)
            {
                name = ReadTensorName(reader, reader.ReadLengthPrefix(end));
            }
            else
            {
                reader.SkipField(wireType, end);
            }
        }

        return name;
    }

    private static OnnxValueInfo ReadValueInfo(ProtobufReader reader, long end)
    {
        string name = "", docString = "";
        OnnxValueType? type = null;
        while (reader.TryReadTag(end, out int field, out WireType wireType))
        {
            switch (field)
            {
                case 1 when wireType == WireType.LengthDelimited:
                    name = ReadName(reader, end);
                    break;
                case 2 when wireType == WireType.LengthDelimited:
                    type = ReadType(reader, reader.ReadLengthPrefix(end), depth: 0);
                    break;
                case 3 when wireType == WireType.LengthDelimited:
                    docString = ReadDocString(reader, end);
                    break;
                case 1 or 2 or 3:
                    throw WrongWireType("ValueInfoProto", field, wireType, reader);
                default:
                    reader.SkipField(wireType, end);
                    break;
            }
        }

        return new OnnxValueInfo(name, type ?? new OnnxValueType(OnnxValueKind.None, 0, null, "none"), docString);
    }

    private static OnnxValueType ReadType(ProtobufReader reader, long end, int depth)
    {
        if (depth > MaxTypeDepth)
        {
            throw new OnnxFormatException(FormattableString.Invariant($"types nested deeper than {MaxTypeDepth} levels at offset {reader.Position}"));
        }

        OnnxValueType? type = null;
        while (reader.TryReadTag(end, out int field, out WireType wireType))
        {
            if (wireType != WireType.LengthDelimited)
            {
                // denotation (6) is the only non-message field and it is a string too; anything else is unknown.
                reader.SkipField(wireType, end);
                continue;
            }

            switch (field)
            {
                case 1:
                    type = ReadTensorType(reader, reader.ReadLengthPrefix(end), OnnxValueKind.Tensor);
                    break;
                case 8:
                    type = ReadTensorType(reader, reader.ReadLengthPrefix(end), OnnxValueKind.SparseTensor);
                    break;
                case 4:
                    type = ReadWrapperType(reader, reader.ReadLengthPrefix(end), depth, OnnxValueKind.Sequence, "seq");
                    break;
                case 9:
                    type = ReadWrapperType(reader, reader.ReadLengthPrefix(end), depth, OnnxValueKind.Optional, "optional");
                    break;
                case 5:
                    type = ReadMapType(reader, reader.ReadLengthPrefix(end), depth);
                    break;
                case 7:
                    reader.SkipField(wireType, end);
                    type = new OnnxValueType(OnnxValueKind.Opaque, 0, null, "opaque");
                    break;
                default:
                    reader.SkipField(wireType, end);
                    break;
            }
        }

        return type ?? new OnnxValueType(OnnxValueKind.None, 0, null, "none");
    }

    /// <summary>TypeProto.Tensor and TypeProto.SparseTensor: elem_type (1), shape (2).</summary>
    private static OnnxValueType ReadTensorType(ProtobufReader reader, long end, OnnxValueKind kind)
    {
        int elementType = 0;
        List<OnnxDimension>? shape = null;
        while (reader.TryReadTag(end, out int field, out WireType wireType))
        {
            if (field == 1 && wireType == WireType.Varint)
            {
                elementType = reader.ReadInt32(end);
            }
            else if (field == 2 && wireType == WireType.LengthDelimited)
            {
                shape = ReadShape(reader, reader.ReadLengthPrefix(end));
            }
            else
            {
                reader.SkipField(wireType, end);
            }
        }

        string prefix = kind == OnnxValueKind.SparseTensor ? "sparse_tensor(" : "tensor(";
        return new OnnxValueType(kind, elementType, shape, prefix + OnnxElementTypes.Name(elementType) + ")");
    }

    /// <summary>TypeProto.Sequence and TypeProto.Optional: elem_type (1) is a TypeProto.</summary>
    private static OnnxValueType ReadWrapperType(ProtobufReader reader, long end, int depth, OnnxValueKind kind, string name)
    {
        OnnxValueType? element = null;
        while (reader.TryReadTag(end, out int field, out WireType wireType))
        {
            if (field == 1 && wireType == WireType.LengthDelimited)
            {
                element = ReadType(reader, reader.ReadLengthPrefix(end), depth + 1);
            }
            else
            {
                reader.SkipField(wireType, end);
            }
        }

        return new OnnxValueType(kind, 0, null, name + "(" + (element?.Description ?? "?") + ")");
    }

    /// <summary>TypeProto.Map: key_type (1) is an element type, value_type (2) a TypeProto.</summary>
    private static OnnxValueType ReadMapType(ProtobufReader reader, long end, int depth)
    {
        int keyType = 0;
        OnnxValueType? value = null;
        while (reader.TryReadTag(end, out int field, out WireType wireType))
        {
            if (field == 1 && wireType == WireType.Varint)
            {
                keyType = reader.ReadInt32(end);
            }
            else if (field == 2 && wireType == WireType.LengthDelimited)
            {
                value = ReadType(reader, reader.ReadLengthPrefix(end), depth + 1);
            }
            else
            {
                reader.SkipField(wireType, end);
            }
        }

        return new OnnxValueType(OnnxValueKind.Map, 0, null, "map(" + OnnxElementTypes.Name(keyType) + "," + (value?.Description ?? "?") + ")");
    }

    /// <summary>TensorShapeProto: repeated Dimension dim (1); Dimension: dim_value (1), dim_param (2), denotation (3).</summary>
    private static List<OnnxDimension> ReadShape(ProtobufReader reader, long end)
    {
        var dims = new List<OnnxDimension>();
        while (reader.TryReadTag(end, out int field, out WireType wireType))
        {
            if (field != 1 || wireType != WireType.LengthDelimited)
            {
                reader.SkipField(wireType, end);
                continue;
            }

            long dimEnd = reader.ReadLengthPrefix(end);
            OnnxDimension dim = OnnxDimension.Unknown;
            while (reader.TryReadTag(dimEnd, out int dimField, out WireType dimWire))
            {
                if (dimField == 1 && dimWire == WireType.Varint)
                {
                    long value = reader.ReadInt64(dimEnd);

                    // Some exporters write -1 for "any size"; ONNX says such a dimension has no value.
                    dim = value >= 0 ? OnnxDimension.Fixed(value) : OnnxDimension.Unknown;
                }
                else if (dimField == 2 && dimWire == WireType.LengthDelimited)
                {
                    string symbol = ReadName(reader, dimEnd);
                    dim = symbol.Length > 0 ? OnnxDimension.Symbolic(symbol) : OnnxDimension.Unknown;
                }
                else
                {
                    reader.SkipField(dimWire, dimEnd);
                }
            }

            dims.Add(dim);
        }

        return dims;
    }

    private static OnnxOpset ReadOpset(ProtobufReader reader, long end)
    {
        string domain = "";
        long version = 0;
        while (reader.TryReadTag(end, out int field, out WireType wireType))
        {
            if (field == 1 && wireType == WireType.LengthDelimited)
            {
                domain = ReadName(reader, end);
            }
            else if (field == 2 && wireType == WireType.Varint)
            {
                version = reader.ReadInt64(end);
            }
            else
            {
                reader.SkipField(wireType, end);
            }
        }

        return new OnnxOpset(domain, version);
    }

    private static KeyValuePair<string, string> ReadStringEntry(ProtobufReader reader, long end)
    {
        string key = "", value = "";
        while (reader.TryReadTag(end, out int field, out WireType wireType))
        {
            if (field == 1 && wireType == WireType.LengthDelimited)
            {
                key = ReadName(reader, end);
            }
            else if (field == 2 && wireType == WireType.LengthDelimited)
            {
                value = ReadDocString(reader, end);
            }
            else
            {
                reader.SkipField(wireType, end);
            }
        }

        return new KeyValuePair<string, string>(key, value);
    }

    private static string ReadName(ProtobufReader reader, long end) => reader.ReadString(end, MaxNameBytes, truncate: false);

    private static string ReadDocString(ProtobufReader reader, long end) => reader.ReadString(end, MaxDocStringBytes, truncate: true);

    private static OnnxFormatException WrongWireType(string message, int field, WireType wireType, ProtobufReader reader) =>
        new(FormattableString.Invariant($"{message} field {field} has wire type {(int)wireType} at offset {reader.Position}: the file is not an ONNX model or is corrupt"));

    private sealed record GraphInfo(string Name, string DocString, List<OnnxValueInfo> Inputs, List<OnnxValueInfo> Outputs);
}
