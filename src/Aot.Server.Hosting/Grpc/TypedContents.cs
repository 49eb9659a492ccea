using System.Runtime.InteropServices;
using Aot.Protocol;
using Aot.Server.Batching;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Inference;

namespace Aot.Server.Grpc;

/// <summary>
/// Tensors in <c>InferTensorContents</c>' typed fields (the protocol's slow, portable form), converted to and from the
/// server's little-endian tensor bytes. Each KServe datatype has one field: INT8/16/32 share <c>int_contents</c>,
/// UINT8/16/32 <c>uint_contents</c>; FP16 and BF16 have none, so they travel only as raw contents.
/// </summary>
internal static class TypedContents
{
    /// <summary>The field of <c>InferTensorContents</c> that holds <paramref name="type"/>'s values; null when it has none.</summary>
    public static string? FieldName(ElementType type) => type switch
    {
        ElementType.Bool => "bool_contents",
        ElementType.Int8 or ElementType.Int16 or ElementType.Int32 => "int_contents",
        ElementType.Int64 => "int64_contents",
        ElementType.UInt8 or ElementType.UInt16 or ElementType.UInt32 => "uint_contents",
        ElementType.UInt64 => "uint64_contents",
        ElementType.Float => "fp32_contents",
        ElementType.Double => "fp64_contents",
        ElementType.String => "bytes_contents",
        _ => null,
    };

    /// <summary>
    /// Fills <paramref name="tensor"/> with the <paramref name="elements"/> values of <paramref name="contents"/>;
    /// throws a bad request naming the input when the values are in the wrong field, too few or too many, or out of
    /// range for the datatype.
    /// </summary>
    public static void Read(InferTensorContents? contents, ElementType type, long elements, TensorBuffer tensor, string inputName)
    {
        string datatype = ElementTypes.ToKServeName(type);
        string field = FieldName(type)
            ?? throw InferenceException.BadRequest($"Input '{inputName}' is {datatype}, which has no typed field in InferTensorContents; send it in raw_input_contents.");
        int count = contents is null ? 0 : Count(contents, type);
        if (count != elements)
        {
            string? other = contents is null ? null : FilledField(contents);
            throw InferenceException.BadRequest(count == 0 && other is not null && other != field
                ? $"Input '{inputName}' is {datatype}: its values go in contents.{field}, but the request filled contents.{other}."
                : $"Input '{inputName}' needs {elements} values in contents.{field} for its shape but got {count}.");
        }

        if (type == ElementType.String)
        {
            ReadStrings(contents!.BytesContents, tensor);
            return;
        }

        Span<byte> data = tensor.Allocate(checked((int)elements * ElementTypes.SizeOf(type)));
        switch (type)
        {
            case ElementType.Float: CopyAll(contents!.Fp32Contents, MemoryMarshal.Cast<byte, float>(data)); break;
            case ElementType.Double: CopyAll(contents!.Fp64Contents, MemoryMarshal.Cast<byte, double>(data)); break;
            case ElementType.Int64: CopyAll(contents!.Int64Contents, MemoryMarshal.Cast<byte, long>(data)); break;
            case ElementType.UInt64: CopyAll(contents!.Uint64Contents, MemoryMarshal.Cast<byte, ulong>(data)); break;
            case ElementType.Int32: CopyAll(contents!.IntContents, MemoryMarshal.Cast<byte, int>(data)); break;
            case ElementType.UInt32: CopyAll(contents!.UintContents, MemoryMarshal.Cast<byte, uint>(data)); break;
            case ElementType.Bool:
                RepeatedField<bool> flags = contents!.BoolContents;
                for (int i = 0; i < flags.Count; i++)
                {
                    data[i] = flags[i] ? (byte)1 : (byte)0;
                }

                break;
            case ElementType.Int8: Narrow(contents!.IntContents, MemoryMarshal.Cast<byte, sbyte>(data), sbyte.MinValue, sbyte.MaxValue, inputName, datatype); break;
            case ElementType.Int16: Narrow(contents!.IntContents, MemoryMarshal.Cast<byte, short>(data), short.MinValue, short.MaxValue, inputName, datatype); break;
            case ElementType.UInt8: Narrow(contents!.UintContents, data, byte.MinValue, byte.MaxValue, inputName, datatype); break;
            case ElementType.UInt16: Narrow(contents!.UintContents, MemoryMarshal.Cast<byte, ushort>(data), ushort.MinValue, ushort.MaxValue, inputName, datatype); break;
            default: throw InferenceException.BadRequest($"Input '{inputName}' is {datatype}, which has no typed field in InferTensorContents; send it in raw_input_contents.");
        }
    }

    /// <summary>Appends the values of a tensor's bytes (<paramref name="data"/>, of <paramref name="type"/>) to <paramref name="contents"/>.</summary>
    public static void Write(ReadOnlySpan<byte> data, ElementType type, InferTensorContents contents)
    {
        switch (type)
        {
            case ElementType.Float: AddAll(contents.Fp32Contents, MemoryMarshal.Cast<byte, float>(data)); break;
            case ElementType.Double: AddAll(contents.Fp64Contents, MemoryMarshal.Cast<byte, double>(data)); break;
            case ElementType.Int64: AddAll(contents.Int64Contents, MemoryMarshal.Cast<byte, long>(data)); break;
            case ElementType.UInt64: AddAll(contents.Uint64Contents, MemoryMarshal.Cast<byte, ulong>(data)); break;
            case ElementType.Int32: AddAll(contents.IntContents, MemoryMarshal.Cast<byte, int>(data)); break;
            case ElementType.UInt32: AddAll(contents.UintContents, MemoryMarshal.Cast<byte, uint>(data)); break;
            case ElementType.Int16: Widen(contents.IntContents, MemoryMarshal.Cast<byte, short>(data)); break;
            case ElementType.Int8: Widen(contents.IntContents, MemoryMarshal.Cast<byte, sbyte>(data)); break;
            case ElementType.UInt16: Widen(contents.UintContents, MemoryMarshal.Cast<byte, ushort>(data)); break;
            case ElementType.UInt8: Widen(contents.UintContents, data); break;
            case ElementType.Bool:
                contents.BoolContents.Capacity = data.Length;
                foreach (byte b in data)
                {
                    contents.BoolContents.Add(b != 0);
                }

                break;
            case ElementType.String:
                var reader = new StringTensor.Reader(data);
                while (reader.TryNext(out ReadOnlySpan<byte> element))
                {
                    contents.BytesContents.Add(ByteString.CopyFrom(element));
                }

                break;
            default: throw new InvalidOperationException($"{ElementTypes.ToKServeName(type)} has no typed field in InferTensorContents (the caller checks FieldName).");
        }
    }

    private static void ReadStrings(RepeatedField<ByteString> values, TensorBuffer tensor)
    {
        long bytes = 0;
        foreach (ByteString value in values)
        {
            bytes += StringTensor.PrefixSize + value.Length;
        }

        Span<byte> data = tensor.Allocate(checked((int)bytes));
        int at = 0;
        foreach (ByteString value in values)
        {
            at += StringTensor.Write(value.Span, data[at..]);
        }
    }

    private static int Count(InferTensorContents contents, ElementType type) => type switch
    {
        ElementType.Bool => contents.BoolContents.Count,
        ElementType.Int8 or ElementType.Int16 or ElementType.Int32 => contents.IntContents.Count,
        ElementType.Int64 => contents.Int64Contents.Count,
        ElementType.UInt8 or ElementType.UInt16 or ElementType.UInt32 => contents.UintContents.Count,
        ElementType.UInt64 => contents.Uint64Contents.Count,
        ElementType.Float => contents.Fp32Contents.Count,
        ElementType.Double => contents.Fp64Contents.Count,
        ElementType.String => contents.BytesContents.Count,
        _ => 0,
    };

    /// <summary>The first typed field that holds values (for naming a misplaced tensor in the error).</summary>
    private static string? FilledField(InferTensorContents contents) =>
        contents.BoolContents.Count > 0 ? "bool_contents"
        : contents.IntContents.Count > 0 ? "int_contents"
        : contents.Int64Contents.Count > 0 ? "int64_contents"
        : contents.UintContents.Count > 0 ? "uint_contents"
        : contents.Uint64Contents.Count > 0 ? "uint64_contents"
        : contents.Fp32Contents.Count > 0 ? "fp32_contents"
        : contents.Fp64Contents.Count > 0 ? "fp64_contents"
        : contents.BytesContents.Count > 0 ? "bytes_contents"
        : null;

    private static void Narrow<TWide, TNarrow>(RepeatedField<TWide> values, Span<TNarrow> destination, TNarrow min, TNarrow max, string inputName, string datatype)
        where TWide : struct, System.Numerics.INumber<TWide>
        where TNarrow : struct, System.Numerics.INumber<TNarrow>
    {
        TWide low = TWide.CreateTruncating(min);
        TWide high = TWide.CreateTruncating(max);
        for (int i = 0; i < values.Count; i++)
        {
            TWide value = values[i];
            if (value < low || value > high)
            {
                throw InferenceException.BadRequest($"Input '{inputName}' is {datatype} but value {i} ({value}) is out of its range [{min}, {max}].");
            }

            destination[i] = TNarrow.CreateTruncating(value);
        }
    }

    /// <summary>Appends <paramref name="values"/> to a repeated field (Google.Protobuf's span overload is internal).</summary>
    public static void AddAll<T>(RepeatedField<T> field, ReadOnlySpan<T> values)
    {
        field.Capacity = Math.Max(field.Capacity, field.Count + values.Length);
        foreach (T value in values)
        {
            field.Add(value);
        }
    }

    private static void CopyAll<T>(RepeatedField<T> values, Span<T> destination)
    {
        for (int i = 0; i < values.Count; i++)
        {
            destination[i] = values[i];
        }
    }

    private static void Widen<TNarrow, TWide>(RepeatedField<TWide> field, ReadOnlySpan<TNarrow> values)
        where TNarrow : struct, System.Numerics.INumber<TNarrow>
        where TWide : struct, System.Numerics.INumber<TWide>
    {
        field.Capacity = values.Length;
        foreach (TNarrow value in values)
        {
            field.Add(TWide.CreateTruncating(value));
        }
    }
}
