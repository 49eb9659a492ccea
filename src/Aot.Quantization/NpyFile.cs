using Aot.Protocol;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Aot.Runtime;

namespace Aot.Quantization;

/// <summary>One tensor: element type, shape and little-endian bytes.</summary>
public sealed record class SampleTensor(ElementType ElementType, long[] Shape, byte[] Data);

/// <summary>
/// NumPy's <c>.npy</c> format (versions 1–3), what <c>numpy.save</c> writes: magic, a header dict with
/// <c>descr</c>, <c>fortran_order</c> and <c>shape</c>, then the raw C-order array.
/// </summary>
public static partial class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a little-endian, C-order array of a numeric type ONNX has.</summary>
    /// <exception cref="QuantizationException">The file is not such an array; the message names it.</exception>
    public static SampleTensor Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new QuantizationException($"Cannot read '{path}': {ex.Message}", ex);
        }

        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
        {
            throw new QuantizationException($"'{path}' is not a .npy file (expected the \\x93NUMPY magic that numpy.save writes).");
        }

        int major = bytes[6];
        int headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)) : (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        int start = major == 1 ? 10 : 12;
        string header = Encoding.Latin1.GetString(bytes, start, Math.Min(headerLength, bytes.Length - start));
        Match descr = DescrPattern().Match(header);
        Match shape = ShapePattern().Match(header);
        if (!descr.Success || !shape.Success)
        {
            throw new QuantizationException($"'{path}': cannot read the .npy header (expected 'descr' and 'shape'): {header.Trim()}");
        }

        if (header.Contains("'fortran_order': True", StringComparison.Ordinal))
        {
            throw new QuantizationException($"'{path}' is in Fortran order; save it in C order (numpy.ascontiguousarray).");
        }

        ElementType type = descr.Groups[1].Value switch
        {
            "<f4" => ElementType.Float,
            "<f8" => ElementType.Double,
            "<f2" => ElementType.Float16,
            "<i8" => ElementType.Int64,
            "<i4" => ElementType.Int32,
            "<i2" => ElementType.Int16,
            "|i1" => ElementType.Int8,
            "|u1" => ElementType.UInt8,
            "|b1" => ElementType.Bool,
            string other => throw new QuantizationException($"'{path}': element type '{other}' is not supported (expected a little-endian float or integer array such as <f4 or <i8)."),
        };
        long[] dims = [.. shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(static d => long.Parse(d.TrimEnd('L'), CultureInfo.InvariantCulture))];
        long count = dims.Aggregate(1L, static (a, d) => a * d);
        int dataStart = start + headerLength;
        long expected = count * ElementTypes.SizeOf(type);
        if (bytes.Length - dataStart != expected)
        {
            throw new QuantizationException($"'{path}': shape ({string.Join(", ", dims)}) needs {expected} bytes of data but the file holds {bytes.Length - dataStart}.");
        }

        return new SampleTensor(type, dims, bytes[dataStart..]);
    }

    /// <summary>Writes a version 1.0 file numpy.load reads.</summary>
    public static void Write(string path, SampleTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        string descr = tensor.ElementType switch
        {
            ElementType.Float => "<f4",
            ElementType.Double => "<f8",
            ElementType.Float16 => "<f2",
            ElementType.Int64 => "<i8",
            ElementType.Int32 => "<i4",
            ElementType.Int16 => "<i2",
            ElementType.Int8 => "|i1",
            ElementType.UInt8 => "|u1",
            ElementType.Bool => "|b1",
            _ => throw new ArgumentException($"No .npy type for {tensor.ElementType}.", nameof(tensor)),
        };
        string shape = tensor.Shape.Length == 1 ? $"({tensor.Shape[0]},)" : "(" + string.Join(", ", tensor.Shape) + ")";
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        // The header (magic + version + length + dict + newline) is padded with spaces to a multiple of 64 bytes.
        int total = (10 + dict.Length + 1 + 63) / 64 * 64;
        string header = dict.PadRight(total - 10 - 1) + "\n";
        using FileStream stream = File.Create(path);
        stream.Write(Magic);
        stream.Write([1, 0]);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        stream.Write(length);
        stream.Write(Encoding.Latin1.GetBytes(header));
        stream.Write(tensor.Data);
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
