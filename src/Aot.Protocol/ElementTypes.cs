namespace Aot.Protocol;

/// <summary>Facts about <see cref="ElementType"/> values: sizes, CLR types, and the names KServe V2 uses on the wire.</summary>
public static class ElementTypes
{
    /// <summary>Bytes per element; 0 for <see cref="ElementType.String"/> (variable) and for types Aot cannot bind.</summary>
    public static int SizeOf(ElementType type) => type switch
    {
        ElementType.Float or ElementType.Int32 or ElementType.UInt32 => 4,
        ElementType.UInt8 or ElementType.Int8 or ElementType.Bool => 1,
        ElementType.UInt16 or ElementType.Int16 or ElementType.Float16 or ElementType.BFloat16 => 2,
        ElementType.Int64 or ElementType.UInt64 or ElementType.Double => 8,
        _ => 0,
    };

    /// <summary>
    /// Bits per element as ONNX stores them in <c>raw_data</c>, for every fixed-size type including those the runtime
    /// cannot bind (8-bit floats, packed 4-bit types, complex); 0 for strings and undefined.
    /// </summary>
    public static int BitsPerElement(ElementType type) => type switch
    {
        ElementType.Bool or ElementType.UInt8 or ElementType.Int8
            or ElementType.Float8E4M3FN or ElementType.Float8E4M3FNUZ
            or ElementType.Float8E5M2 or ElementType.Float8E5M2FNUZ => 8,
        ElementType.UInt4 or ElementType.Int4 or ElementType.Float4E2M1 => 4,
        ElementType.UInt16 or ElementType.Int16 or ElementType.Float16 or ElementType.BFloat16 => 16,
        ElementType.Float or ElementType.Int32 or ElementType.UInt32 => 32,
        ElementType.Double or ElementType.Int64 or ElementType.UInt64 or ElementType.Complex64 => 64,
        ElementType.Complex128 => 128,
        _ => 0,
    };

    /// <summary>Bytes that <paramref name="elementCount"/> elements take packed (4-bit types two per byte, rounded up).</summary>
    /// <exception cref="ArgumentException">The type has no fixed-size encoding (strings, undefined).</exception>
    public static long ByteCount(ElementType type, long elementCount)
    {
        int bits = BitsPerElement(type);
        if (bits == 0)
        {
            throw new ArgumentException($"{type} has no fixed-size raw encoding.", nameof(type));
        }

        return checked((elementCount * bits + 7) / 8);
    }

    /// <summary>
    /// Whether this runtime can bind tensors of the type: every fixed-size numeric type plus strings.
    /// Complex, 8-bit float and packed 4-bit types are not (ONNX Runtime's managed API has no element
    /// type for them, and no CPU kernel takes them as graph inputs in practice).
    /// </summary>
    public static bool IsSupported(ElementType type) => type == ElementType.String || SizeOf(type) > 0;

    /// <summary>The element type that stores <typeparamref name="T"/>.</summary>
    public static ElementType Of<T>() where T : unmanaged => ElementTypeOf<T>.Value;

    /// <summary>KServe V2 / Triton datatype name: FP32, INT64, BOOL, BYTES, FP16, BF16 …</summary>
    public static string ToKServeName(ElementType type) => type switch
    {
        ElementType.Float => "FP32",
        ElementType.Double => "FP64",
        ElementType.Float16 => "FP16",
        ElementType.BFloat16 => "BF16",
        ElementType.Int8 => "INT8",
        ElementType.Int16 => "INT16",
        ElementType.Int32 => "INT32",
        ElementType.Int64 => "INT64",
        ElementType.UInt8 => "UINT8",
        ElementType.UInt16 => "UINT16",
        ElementType.UInt32 => "UINT32",
        ElementType.UInt64 => "UINT64",
        ElementType.Bool => "BOOL",
        ElementType.String => "BYTES",
        _ => type.ToString().ToUpperInvariant(),
    };

    /// <summary>Parses a KServe V2 datatype name (case-sensitive, as the protocol specifies).</summary>
    public static bool TryParseKServeName(string name, out ElementType type)
    {
        type = name switch
        {
            "FP32" => ElementType.Float,
            "FP64" => ElementType.Double,
            "FP16" => ElementType.Float16,
            "BF16" => ElementType.BFloat16,
            "INT8" => ElementType.Int8,
            "INT16" => ElementType.Int16,
            "INT32" => ElementType.Int32,
            "INT64" => ElementType.Int64,
            "UINT8" => ElementType.UInt8,
            "UINT16" => ElementType.UInt16,
            "UINT32" => ElementType.UInt32,
            "UINT64" => ElementType.UInt64,
            "BOOL" => ElementType.Bool,
            "BYTES" => ElementType.String,
            _ => ElementType.Undefined,
        };
        return type != ElementType.Undefined;
    }

    // A static generic cache: the type test runs once per T, so the per-call check is a field load.
    private static class ElementTypeOf<T> where T : unmanaged
    {
        public static readonly ElementType Value = Resolve();

        private static ElementType Resolve()
        {
            if (typeof(T) == typeof(float)) return ElementType.Float;
            if (typeof(T) == typeof(double)) return ElementType.Double;
            if (typeof(T) == typeof(Half)) return ElementType.Float16;
            if (typeof(T) == typeof(BFloat16)) return ElementType.BFloat16;
            if (typeof(T) == typeof(sbyte)) return ElementType.Int8;
            if (typeof(T) == typeof(short)) return ElementType.Int16;
            if (typeof(T) == typeof(int)) return ElementType.Int32;
            if (typeof(T) == typeof(long)) return ElementType.Int64;
            if (typeof(T) == typeof(byte)) return ElementType.UInt8;
            if (typeof(T) == typeof(ushort)) return ElementType.UInt16;
            if (typeof(T) == typeof(uint)) return ElementType.UInt32;
            if (typeof(T) == typeof(ulong)) return ElementType.UInt64;
            if (typeof(T) == typeof(bool)) return ElementType.Bool;
            return ElementType.Undefined;
        }
    }
}
