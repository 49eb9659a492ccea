using System.Text;

namespace Aot.Generators.Emit;

/// <summary>
/// Writes C# with four-space indentation and <c>\n</c> line ends whatever the OS, so the output (and the
/// baselines that check it) is the same on every machine.
/// </summary>
internal sealed class SourceWriter
{
    private const string IndentUnit = "    ";
    private readonly StringBuilder _text = new();
    private int _indent;

    public void WriteLine(string line)
    {
        if (line.Length > 0)
        {
            for (int i = 0; i < _indent; i++)
            {
                _text.Append(IndentUnit);
            }

            _text.Append(line);
        }

        _text.Append('\n');
    }

    public void WriteLine() => _text.Append('\n');

    /// <summary>Writes <c>{</c> and indents.</summary>
    public void OpenBlock()
    {
        WriteLine("{");
        _indent++;
    }

    /// <summary>Unindents and writes <c>}</c> (plus <paramref name="suffix"/>, e.g. <c>;</c>).</summary>
    public void CloseBlock(string suffix = "")
    {
        _indent--;
        WriteLine("}" + suffix);
    }

    public void Indent() => _indent++;

    public void Unindent() => _indent--;

    public override string ToString() => _text.ToString();
}
