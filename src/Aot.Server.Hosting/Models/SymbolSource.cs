namespace Aot.Server.Models;

/// <summary>Where an output dimension's size comes from: dimension <see cref="Dim"/> of input <see cref="Input"/>.</summary>
internal readonly record struct SymbolSource(int Input, int Dim)
{
    public static SymbolSource None => new(-1, -1);

    public bool Exists => Input >= 0;
}
