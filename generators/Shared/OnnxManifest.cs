using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Aot.Generators.Onnx;

/// <summary>What a manifest holds: the model's path and either its metadata or why it could not be read.</summary>
internal sealed record OnnxManifestContent(string ModelPath, string? Error, OnnxModelInfo? Model);

/// <summary>
/// The text file the build writes in <c>obj/</c> for each <c>.onnx</c> AdditionalFile and the generator reads back.
/// </summary>
/// <remarks>
/// One record per line, fields separated by tabs, backslash escapes for tabs, line breaks and backslashes; a header
/// line names the format version. A line format needs no JSON library on either side (the MSBuild task and the
/// generator both target netstandard2.0 and must not bring dependencies into the compiler or MSBuild), diffs well,
/// and is trivially incremental-friendly: same model, same bytes.
/// <code>
/// aot-onnx-manifest	1
/// model	/src/app/models/all-MiniLM-L6-v2.onnx
/// ir_version	8
/// input	input_ids	tensor	7	tensor(int64)	&lt;doc&gt;	2	$batch_size	$sequence_length
/// output	924	tensor	1	tensor(float)		2	$batch_size	384
/// </code>
/// A dimension is a number (fixed), <c>$name</c> (symbolic) or <c>?</c> (unknown); a rank of <c>-</c> means no shape.
/// </remarks>
internal static class OnnxManifest
{
    public const string Header = "aot-onnx-manifest";
    public const int FormatVersion = 1;
    public const string FileExtension = ".aotmanifest";

    public static string Write(string modelPath, OnnxModelInfo model)
    {
        var text = new StringBuilder();
        Line(text, Header, FormatVersion.ToString(CultureInfo.InvariantCulture));
        Line(text, "model", modelPath);
        Line(text, "ir_version", Number(model.IrVersion));
        Line(text, "producer_name", model.ProducerName);
        Line(text, "producer_version", model.ProducerVersion);
        Line(text, "domain", model.Domain);
        Line(text, "model_version", Number(model.ModelVersion));
        Line(text, "doc_string", model.DocString);
        Line(text, "graph_name", model.GraphName);
        Line(text, "graph_doc_string", model.GraphDocString);
        foreach (OnnxOpset opset in model.Opsets)
        {
            Line(text, "opset", opset.Domain, Number(opset.Version));
        }

        foreach (KeyValuePair<string, string> entry in model.MetadataProps)
        {
            Line(text, "metadata", entry.Key, entry.Value);
        }

        foreach (OnnxValueInfo input in model.Inputs)
        {
            WriteValue(text, "input", input);
        }

        foreach (OnnxValueInfo output in model.Outputs)
        {
            WriteValue(text, "output", output);
        }

        return text.ToString();
    }

    public static string WriteError(string modelPath, string message)
    {
        var text = new StringBuilder();
        Line(text, Header, FormatVersion.ToString(CultureInfo.InvariantCulture));
        Line(text, "model", modelPath);
        Line(text, "error", message);
        return text.ToString();
    }

    /// <summary>Parses a manifest; throws <see cref="OnnxFormatException"/> naming the line for anything malformed.</summary>
    public static OnnxManifestContent Parse(string text)
    {
        string[] lines = text.Split('\n');
        string? modelPath = null, error = null;
        var scalars = new Dictionary<string, (string Value, int Line)>(StringComparer.Ordinal);
        var opsets = new List<OnnxOpset>();
        var metadata = new List<KeyValuePair<string, string>>();
        var inputs = new List<OnnxValueInfo>();
        var outputs = new List<OnnxValueInfo>();
        bool sawHeader = false;

        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            int lineNumber = i + 1;
            string[] fields = SplitFields(line, lineNumber);
            if (!sawHeader)
            {
                if (fields[0] != Header || fields.Length < 2)
                {
                    throw new OnnxFormatException("line 1: not an Aot ONNX manifest");
                }

                if (fields[1] != FormatVersion.ToString(CultureInfo.InvariantCulture))
                {
                    throw new OnnxFormatException(
                        $"manifest format {fields[1]} is not the one this generator reads ({FormatVersion.ToString(CultureInfo.InvariantCulture)}); rebuild so the manifests are written again");
                }

                sawHeader = true;
                continue;
            }

            switch (fields[0])
            {
                case "model":
                    modelPath = Field(fields, 1, lineNumber);
                    break;
                case "error":
                    error = Field(fields, 1, lineNumber);
                    break;
                case "opset":
                    opsets.Add(new OnnxOpset(Field(fields, 1, lineNumber), ParseNumber(Field(fields, 2, lineNumber), lineNumber)));
                    break;
                case "metadata":
                    metadata.Add(new KeyValuePair<string, string>(Field(fields, 1, lineNumber), Field(fields, 2, lineNumber)));
                    break;
                case "input":
                    inputs.Add(ParseValue(fields, lineNumber));
                    break;
                case "output":
                    outputs.Add(ParseValue(fields, lineNumber));
                    break;
                default:
                    // Scalars; unknown keys are ignored so a newer writer can add lines without a format bump.
                    scalars[fields[0]] = (fields.Length > 1 ? fields[1] : "", lineNumber);
                    break;
            }
        }

        if (!sawHeader)
        {
            throw new OnnxFormatException("the manifest is empty");
        }

        if (modelPath is null)
        {
            throw new OnnxFormatException("the manifest does not name its model");
        }

        if (error is not null)
        {
            return new OnnxManifestContent(modelPath, error, null);
        }

        var model = new OnnxModelInfo(
            ScalarNumber(scalars, "ir_version"),
            Scalar(scalars, "producer_name"),
            Scalar(scalars, "producer_version"),
            Scalar(scalars, "domain"),
            ScalarNumber(scalars, "model_version"),
            Scalar(scalars, "doc_string"),
            Scalar(scalars, "graph_name"),
            Scalar(scalars, "graph_doc_string"),
            opsets,
            metadata,
            inputs,
            outputs);
        return new OnnxManifestContent(modelPath, null, model);
    }

    private static void WriteValue(StringBuilder text, string key, OnnxValueInfo value)
    {
        var fields = new List<string>
        {
            key,
            value.Name,
            KindName(value.Type.Kind),
            value.Type.ElementType.ToString(CultureInfo.InvariantCulture),
            value.Type.Description,
            value.DocString,
        };
        if (value.Type.Shape is null)
        {
            fields.Add("-");
        }
        else
        {
            fields.Add(value.Type.Shape.Count.ToString(CultureInfo.InvariantCulture));
            foreach (OnnxDimension dim in value.Type.Shape)
            {
                fields.Add(dim.IsFixed ? Number(dim.Value) : dim.Symbol is null ? "?" : "$" + dim.Symbol);
            }
        }

        Line(text, fields.ToArray());
    }

    private static OnnxValueInfo ParseValue(string[] fields, int lineNumber)
    {
        string name = Field(fields, 1, lineNumber);
        OnnxValueKind kind = ParseKind(Field(fields, 2, lineNumber), lineNumber);
        int elementType = checked((int)ParseNumber(Field(fields, 3, lineNumber), lineNumber));
        string description = Field(fields, 4, lineNumber);
        string docString = Field(fields, 5, lineNumber);
        string rankText = Field(fields, 6, lineNumber);
        List<OnnxDimension>? shape = null;
        if (rankText != "-")
        {
            long rank = ParseNumber(rankText, lineNumber);
            if (rank < 0 || fields.Length != 7 + rank)
            {
                throw new OnnxFormatException(FormattableString.Invariant($"line {lineNumber}: rank {rankText} does not match the {fields.Length - 7} dimensions given"));
            }

            shape = new List<OnnxDimension>((int)rank);
            for (int d = 0; d < rank; d++)
            {
                string dim = fields[7 + d];
                shape.Add(dim == "?" ? OnnxDimension.Unknown
                    : dim.StartsWith("$", StringComparison.Ordinal) ? OnnxDimension.Symbolic(dim.Substring(1))
                    : OnnxDimension.Fixed(ParseNumber(dim, lineNumber)));
            }
        }

        return new OnnxValueInfo(name, new OnnxValueType(kind, elementType, shape, description), docString);
    }

    private static string KindName(OnnxValueKind kind) => kind switch
    {
        OnnxValueKind.Tensor => "tensor",
        OnnxValueKind.SparseTensor => "sparse_tensor",
        OnnxValueKind.Sequence => "sequence",
        OnnxValueKind.Map => "map",
        OnnxValueKind.Optional => "optional",
        OnnxValueKind.Opaque => "opaque",
        _ => "none",
    };

    private static OnnxValueKind ParseKind(string text, int lineNumber) => text switch
    {
        "tensor" => OnnxValueKind.Tensor,
        "sparse_tensor" => OnnxValueKind.SparseTensor,
        "sequence" => OnnxValueKind.Sequence,
        "map" => OnnxValueKind.Map,
        "optional" => OnnxValueKind.Optional,
        "opaque" => OnnxValueKind.Opaque,
        "none" => OnnxValueKind.None,
        _ => throw new OnnxFormatException(FormattableString.Invariant($"line {lineNumber}: unknown value kind '{text}'")),
    };

    private static string Scalar(Dictionary<string, (string Value, int Line)> scalars, string key) =>
        scalars.TryGetValue(key, out (string Value, int Line) entry) ? entry.Value : "";

    private static long ScalarNumber(Dictionary<string, (string Value, int Line)> scalars, string key) =>
        scalars.TryGetValue(key, out (string Value, int Line) entry) ? ParseNumber(entry.Value, entry.Line) : 0;

    private static string Field(string[] fields, int index, int lineNumber) =>
        index < fields.Length
            ? fields[index]
            : throw new OnnxFormatException(FormattableString.Invariant($"line {lineNumber}: '{fields[0]}' needs at least {index + 1} fields"));

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static long ParseNumber(string text, int lineNumber) =>
        text.Length == 0 ? 0
        : long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) ? value
        : throw new OnnxFormatException(FormattableString.Invariant($"line {lineNumber}: '{text}' is not a number"));

    private static void Line(StringBuilder text, params string[] fields)
    {
        for (int i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                text.Append('\t');
            }

            Escape(text, fields[i]);
        }

        text.Append('\n');
    }

    /// <summary>Escapes the separators and every character a text reader could take for a line break.</summary>
    private static void Escape(StringBuilder text, string value)
    {
        foreach (char c in value)
        {
            switch (c)
            {
                case '\\': text.Append("\\\\"); break;
                case '\t': text.Append("\\t"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                default:
                    if (c < ' ' || c == '\u007F' || c == '\u0085' || c == '\u2028' || c == '\u2029')
                    {
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }
    }

    private static string[] SplitFields(string line, int lineNumber)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (c == '\t')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else if (c != '\\')
            {
                current.Append(c);
            }
            else
            {
                char next = i + 1 < line.Length ? line[++i] : throw BadEscape(lineNumber);
                switch (next)
                {
                    case '\\': current.Append('\\'); break;
                    case 't': current.Append('\t'); break;
                    case 'n': current.Append('\n'); break;
                    case 'r': current.Append('\r'); break;
                    case 'u' when i + 4 < line.Length
                        && int.TryParse(line.Substring(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code):
                        current.Append((char)code);
                        i += 4;
                        break;
                    default: throw BadEscape(lineNumber);
                }
            }
        }

        fields.Add(current.ToString());
        return fields.ToArray();
    }

    private static OnnxFormatException BadEscape(int lineNumber) =>
        new(FormattableString.Invariant($"line {lineNumber}: invalid escape sequence"));
}
