using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Aot.Generators.Tests.Infrastructure;

/// <summary>An AdditionalFile held in memory; <see cref="GetTextCalls"/> lets tests check what the generator read.</summary>
internal sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    private readonly SourceText _text = SourceText.From(text, Encoding.UTF8);

    public override string Path { get; } = path;

    public int GetTextCalls { get; private set; }

    public override SourceText GetText(CancellationToken cancellationToken = default)
    {
        GetTextCalls++;
        return _text;
    }
}

/// <summary>A binary AdditionalFile: like the compiler, GetText fails on it (the compiler reports CS2015).</summary>
internal sealed class BinaryAdditionalText(string path) : AdditionalText
{
    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("CS2015: binary AdditionalFile read as text");
}
