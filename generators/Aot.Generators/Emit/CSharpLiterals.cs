using System.Globalization;
using System.Text;

namespace Aot.Generators.Emit;

/// <summary>Literals and XML doc text, escaped so that any ONNX string (quotes, controls, markup) stays inert.</summary>
internal static class CSharpLiterals
{
    /// <summary>A regular string literal, with non-printable characters as <c>\uXXXX</c>.</summary>
    public static string String(string value)
    {
        var text = new StringBuilder(value.Length + 2);
        text.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\0': text.Append("\\0"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                default:
                    if (char.IsControl(c) || char.IsSurrogate(c) || c == '\u2028' || c == '\u2029' || c == '\u0085')
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

        text.Append('"');
        return text.ToString();
    }

    public static string Long(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Text for an XML doc comment: markup escaped, control characters dropped, one line.</summary>
    public static string Xml(string value)
    {
        var text = new StringBuilder(value.Length);
        foreach (char c in value)
        {
            switch (c)
            {
                case '&': text.Append("&amp;"); break;
                case '<': text.Append("&lt;"); break;
                case '>': text.Append("&gt;"); break;
                default:
                    if (char.IsControl(c) || c == '\u2028' || c == '\u2029' || c == '\u0085')
                    {
                        text.Append(' ');
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        return text.ToString();
    }
}
