using System.Runtime.InteropServices;
using System.Text.Json;
using Aot.Runtime;
using Aot.Server.Batching;
using Aot.Protocol;

namespace Aot.Server.Http;

/// <summary>
/// Writes raw little-endian tensor bytes as JSON numbers (BOOL as true/false): flat for KServe V2, nested by shape
/// for TF Serving. Non-finite floats, which JSON numbers cannot hold, are written as "NaN", "Infinity", "-Infinity".
/// </summary>
internal static class JsonTensorWriter
{
    /// <summary>Writes all values as one flat array.</summary>
    public static void WriteFlat(Utf8JsonWriter json, ElementType type, ReadOnlySpan<byte> data)
    {
        json.WriteStartArray();
        if (type == ElementType.String)
        {
            var strings = new StringTensor.Reader(data);
            while (strings.TryNext(out ReadOnlySpan<byte> element))
            {
                json.WriteStringValue(element);
            }
        }
        else
        {
            WriteValues(json, type, data);
        }

        json.WriteEndArray();
    }

    /// <summary>Writes the values nested by <paramref name="shape"/> (a scalar for rank 0).</summary>
    public static void WriteNested(Utf8JsonWriter json, ElementType type, ReadOnlySpan<byte> data, ReadOnlySpan<long> shape)
    {
        if (type == ElementType.String)
        {
            var strings = new StringTensor.Reader(data);
            WriteNestedStrings(json, ref strings, shape);
            return;
        }

        int size = ElementTypes.SizeOf(type);
        if (shape.Length == 0)
        {
            WriteValues(json, type, data[..size]);
            return;
        }

        json.WriteStartArray();
        if (shape.Length == 1)
        {
            WriteValues(json, type, data[..(int)(shape[0] * size)]);
        }
        else
        {
            long inner = size;
            foreach (long d in shape[1..])
            {
                inner *= d;
            }

            for (long i = 0; i < shape[0]; i++)
            {
                WriteNested(json, type, data.Slice((int)(i * inner), (int)inner), shape[1..]);
            }
        }

        json.WriteEndArray();
    }

    /// <summary>Writes string elements (in <see cref="StringTensor"/> form) nested by <paramref name="shape"/>, consuming them from <paramref name="strings"/>.</summary>
    public static void WriteNestedStrings(Utf8JsonWriter json, ref StringTensor.Reader strings, ReadOnlySpan<long> shape)
    {
        if (shape.Length == 0)
        {
            strings.TryNext(out ReadOnlySpan<byte> element);
            json.WriteStringValue(element);
            return;
        }

        json.WriteStartArray();
        for (long i = 0; i < shape[0]; i++)
        {
            WriteNestedStrings(json, ref strings, shape[1..]);
        }

        json.WriteEndArray();
    }

    private static void WriteValues(Utf8JsonWriter json, ElementType type, ReadOnlySpan<byte> data)
    {
        switch (type)
        {
            case ElementType.Float:
                foreach (float v in MemoryMarshal.Cast<byte, float>(data)) WriteFloating(json, v);
                break;
            case ElementType.Double:
                foreach (double v in MemoryMarshal.Cast<byte, double>(data)) WriteFloating(json, v);
                break;
            case ElementType.Float16:
                foreach (Half v in MemoryMarshal.Cast<byte, Half>(data)) WriteFloating(json, (float)v);
                break;
            case ElementType.BFloat16:
                foreach (ushort v in MemoryMarshal.Cast<byte, ushort>(data)) WriteFloating(json, (float)new BFloat16(v));
                break;
            case ElementType.Int8:
                foreach (sbyte v in MemoryMarshal.Cast<byte, sbyte>(data)) json.WriteNumberValue(v);
                break;
            case ElementType.Int16:
                foreach (short v in MemoryMarshal.Cast<byte, short>(data)) json.WriteNumberValue(v);
                break;
            case ElementType.Int32:
                foreach (int v in MemoryMarshal.Cast<byte, int>(data)) json.WriteNumberValue(v);
                break;
            case ElementType.Int64:
                foreach (long v in MemoryMarshal.Cast<byte, long>(data)) json.WriteNumberValue(v);
                break;
            case ElementType.UInt8:
                foreach (byte v in data) json.WriteNumberValue(v);
                break;
            case ElementType.UInt16:
                foreach (ushort v in MemoryMarshal.Cast<byte, ushort>(data)) json.WriteNumberValue(v);
                break;
            case ElementType.UInt32:
                foreach (uint v in MemoryMarshal.Cast<byte, uint>(data)) json.WriteNumberValue(v);
                break;
            case ElementType.UInt64:
                foreach (ulong v in MemoryMarshal.Cast<byte, ulong>(data)) json.WriteNumberValue(v);
                break;
            case ElementType.Bool:
                foreach (byte v in data) json.WriteBooleanValue(v != 0);
                break;
            default:
                throw new NotSupportedException($"Cannot write {ElementTypes.ToKServeName(type)} tensors as JSON.");
        }
    }

    private static void WriteFloating(Utf8JsonWriter json, float value)
    {
        if (float.IsFinite(value))
        {
            json.WriteNumberValue(value);
        }
        else
        {
            json.WriteStringValue(float.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }

    private static void WriteFloating(Utf8JsonWriter json, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumberValue(value);
        }
        else
        {
            json.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }
}
