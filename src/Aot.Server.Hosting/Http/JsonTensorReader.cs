using System.Buffers;
using System.Text.Json;
using Aot.Runtime;
using Aot.Server.Batching;
using Aot.Protocol;

namespace Aot.Server.Http;

/// <summary>
/// Reads JSON tensor data — flat (<c>[1,2,3,4]</c>) or nested (<c>[[1,2],[3,4]]</c>) — into raw little-endian
/// bytes of the model's element type. Numbers must fit the type; BOOL takes true/false (or 0/1); FP16, BF16, FP32
/// and FP64 also take the strings "NaN", "Infinity" and "-Infinity". Every failure is a 400 naming the input.
/// </summary>
internal static class JsonTensorReader
{
    /// <summary>Most nesting levels accepted (ranks above this are not real models).</summary>
    public const int MaxRank = 32;

    /// <summary>
    /// Reads the array at the reader's current token into <paramref name="destination"/> (exactly
    /// <paramref name="destination"/>.Length / element-size values, in row-major order, nesting ignored).
    /// </summary>
    public static void ReadFlattened(ref Utf8JsonReader reader, ElementType type, Span<byte> destination, string inputName)
    {
        int size = ElementTypes.SizeOf(type);
        var values = new NumericValues(type, destination, size, inputName);
        ReadValues(ref reader, ref values, destination.Length / size, inputName);
    }

    /// <summary>
    /// Reads string (BYTES) values at the reader's current token — a JSON string, <c>{"b64": "..."}</c> (TF Serving's
    /// form for binary values), or an array of them, flat or nested — into <paramref name="destination"/> in
    /// <see cref="StringTensor"/> form. <paramref name="destination"/> must hold <see cref="MaxStringBytes"/> bytes.
    /// Returns the bytes written; a count other than <paramref name="expected"/> is a 400.
    /// </summary>
    public static int ReadStrings(ref Utf8JsonReader reader, Span<byte> destination, long expected, string inputName)
    {
        var values = new StringValues(destination, inputName);
        ReadValues(ref reader, ref values, expected, inputName);
        return values.Written;
    }

    /// <summary>
    /// Hands every value at the reader's current token — a scalar, or an array flat or nested — to
    /// <paramref name="values"/>, in row-major order; a count other than <paramref name="expected"/> is a 400.
    /// </summary>
    private static void ReadValues<TValues>(ref Utf8JsonReader reader, ref TValues values, long expected, string inputName)
        where TValues : IValueSink, allows ref struct
    {
        long written = 0;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            // A scalar is accepted for a tensor of one element.
            values.Write(ref reader);
            written = 1;
        }
        else
        {
            int depth = reader.CurrentDepth;
            while (reader.Read() && !(reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == depth))
            {
                if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.EndArray)
                {
                    continue;
                }

                if (written >= expected)
                {
                    throw InferenceException.BadRequest($"Input '{inputName}' has more values than its shape needs ({expected}).");
                }

                values.Write(ref reader);
                written++;
            }
        }

        if (written != expected)
        {
            throw InferenceException.BadRequest($"Input '{inputName}' has {written} values but its shape needs {expected}.");
        }
    }

    // Where ReadValues puts each value; structs, so the generic loop is specialised per kind with no calls through an interface.
    private interface IValueSink
    {
        void Write(ref Utf8JsonReader reader);
    }

    private ref struct NumericValues(ElementType type, Span<byte> destination, int size, string inputName) : IValueSink
    {
        private readonly Span<byte> _destination = destination;
        private int _at;

        // WriteValue stores one element at the start of what it is given.
        public void Write(ref Utf8JsonReader reader)
        {
            WriteValue(ref reader, type, _destination[_at..], inputName);
            _at += size;
        }
    }

    private ref struct StringValues(Span<byte> destination, string inputName) : IValueSink
    {
        private readonly Span<byte> _destination = destination;

        public int Written { get; private set; }

        public void Write(ref Utf8JsonReader reader) => Written += WriteString(ref reader, _destination[Written..], inputName);
    }

    /// <summary>
    /// An upper bound of the bytes <see cref="ReadStrings"/> writes for the JSON value at the reader's current token
    /// holding <paramref name="elements"/> strings: an unescaped or base64-decoded value is never longer than its JSON text.
    /// </summary>
    public static long MaxStringBytes(Utf8JsonReader reader, long elements)
    {
        long start = reader.TokenStartIndex;
        reader.Skip();
        return (reader.BytesConsumed - start) + (StringTensor.PrefixSize * elements);
    }

    /// <summary>
    /// Measures a nested array (TF Serving tensors): its shape comes from the nesting and must be rectangular.
    /// Returns the rank (0 for a scalar). The caller's reader is not moved (this works on a copy). With
    /// <paramref name="strings"/>, <c>{"b64": ...}</c> objects count as values.
    /// </summary>
    public static int MeasureShape(Utf8JsonReader reader, Span<long> shape, string inputName, bool strings = false)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return 0;
        }

        Span<long> seen = stackalloc long[MaxRank];      // children counted so far in the open array at each level
        Span<bool> measured = stackalloc bool[MaxRank];  // whether shape[level] is known
        measured.Clear();
        int open = 1;
        int deepestOpen = 1;
        int leafLevel = -1;
        seen[0] = 0;
        while (open > 0 && reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray:
                    if (leafLevel >= 0 && open > leafLevel)
                    {
                        throw InferenceException.BadRequest($"Input '{inputName}' mixes values and arrays at the same depth.");
                    }

                    if (open == MaxRank)
                    {
                        throw InferenceException.BadRequest($"Input '{inputName}' is nested more than {MaxRank} levels deep.");
                    }

                    seen[open - 1]++;
                    seen[open] = 0;
                    open++;
                    deepestOpen = Math.Max(deepestOpen, open);
                    break;
                case JsonTokenType.EndArray:
                    int level = open - 1;
                    if (!measured[level])
                    {
                        shape[level] = seen[level];
                        measured[level] = true;
                    }
                    else if (shape[level] != seen[level])
                    {
                        throw InferenceException.BadRequest($"Input '{inputName}' is ragged: arrays at depth {level} have {shape[level]} and {seen[level]} elements.");
                    }

                    open--;
                    break;
                case JsonTokenType.StartObject when !strings:
                    throw InferenceException.BadRequest($"Input '{inputName}' holds an object where a value or an array was expected.");
                default:
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        reader.Skip(); // {"b64": ...}: one value
                    }

                    if (leafLevel < 0)
                    {
                        leafLevel = open - 1;
                    }
                    else if (leafLevel != open - 1)
                    {
                        throw InferenceException.BadRequest($"Input '{inputName}' mixes values and arrays at the same depth.");
                    }

                    seen[open - 1]++;
                    break;
            }
        }

        return leafLevel >= 0 ? leafLevel + 1 : deepestOpen;
    }

    private static void WriteValue(ref Utf8JsonReader reader, ElementType type, Span<byte> destination, string inputName)
    {
        bool ok = type switch
        {
            ElementType.Float => TryReadFloating(ref reader, out double f) && Store(destination, (float)f),
            ElementType.Double => TryReadFloating(ref reader, out double d) && Store(destination, d),
            ElementType.Float16 => TryReadFloating(ref reader, out double h) && Store(destination, (Half)h),
            ElementType.BFloat16 => TryReadFloating(ref reader, out double b) && Store(destination, ((BFloat16)(float)b).Bits),
            ElementType.Int8 => reader.TokenType == JsonTokenType.Number && reader.TryGetSByte(out sbyte i8) && Store(destination, i8),
            ElementType.Int16 => reader.TokenType == JsonTokenType.Number && reader.TryGetInt16(out short i16) && Store(destination, i16),
            ElementType.Int32 => reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int i32) && Store(destination, i32),
            ElementType.Int64 => reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long i64) && Store(destination, i64),
            ElementType.UInt8 => reader.TokenType == JsonTokenType.Number && reader.TryGetByte(out byte u8) && Store(destination, u8),
            ElementType.UInt16 => reader.TokenType == JsonTokenType.Number && reader.TryGetUInt16(out ushort u16) && Store(destination, u16),
            ElementType.UInt32 => reader.TokenType == JsonTokenType.Number && reader.TryGetUInt32(out uint u32) && Store(destination, u32),
            ElementType.UInt64 => reader.TokenType == JsonTokenType.Number && reader.TryGetUInt64(out ulong u64) && Store(destination, u64),
            ElementType.Bool => TryReadBool(ref reader, out byte flag) && Store(destination, flag),
            _ => false,
        };
        if (!ok)
        {
            throw InferenceException.BadRequest(
                $"Input '{inputName}' holds {Describe(ref reader)}, which is not a valid {ElementTypes.ToKServeName(type)} value.");
        }
    }

    private static int WriteString(ref Utf8JsonReader reader, Span<byte> destination, string inputName)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            int length = reader.CopyString(destination[StringTensor.PrefixSize..]);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)length);
            return StringTensor.PrefixSize + length;
        }

        if (reader.TokenType == JsonTokenType.StartObject && reader.Read() && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("b64"u8)
            && reader.Read() && reader.TokenType == JsonTokenType.String)
        {
            byte[]? unescaped = null;
            ReadOnlySpan<byte> base64 = reader.HasValueSequence || reader.ValueIsEscaped
                ? (unescaped = System.Text.Encoding.UTF8.GetBytes(reader.GetString()!))
                : reader.ValueSpan;
            if (System.Buffers.Text.Base64.DecodeFromUtf8(base64, destination[StringTensor.PrefixSize..], out _, out int length) != OperationStatus.Done
                || !reader.Read() || reader.TokenType != JsonTokenType.EndObject)
            {
                throw InferenceException.BadRequest($"Input '{inputName}' holds a \"b64\" value that is not one base64 string.");
            }

            _ = unescaped;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)length);
            return StringTensor.PrefixSize + length;
        }

        throw InferenceException.BadRequest($"Input '{inputName}' holds {Describe(ref reader)}, which is not a BYTES value (a JSON string, or {{\"b64\": \"...\"}}).");
    }

    private static bool TryReadFloating(ref Utf8JsonReader reader, out double value)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.TryGetDouble(out value);
        }

        if (reader.TokenType == JsonTokenType.String)
        {
            if (reader.ValueTextEquals("NaN"u8)) { value = double.NaN; return true; }
            if (reader.ValueTextEquals("Infinity"u8)) { value = double.PositiveInfinity; return true; }
            if (reader.ValueTextEquals("-Infinity"u8)) { value = double.NegativeInfinity; return true; }
        }

        value = 0;
        return false;
    }

    private static bool TryReadBool(ref Utf8JsonReader reader, out byte value)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                value = 1;
                return true;
            case JsonTokenType.False:
                value = 0;
                return true;
            case JsonTokenType.Number when reader.TryGetByte(out byte number) && number <= 1:
                value = number;
                return true;
            default:
                value = 0;
                return false;
        }
    }

    private static bool Store<T>(Span<byte> destination, T value) where T : unmanaged
    {
        // Little-endian hosts only (x64/arm64), as ONNX Runtime's raw tensors are.
        System.Runtime.InteropServices.MemoryMarshal.Write(destination, in value);
        return true;
    }

    private static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => $"the string \"{reader.GetString()}\"",
        JsonTokenType.Number => $"the number {System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan)}",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => $"a {reader.TokenType}",
    };
}
