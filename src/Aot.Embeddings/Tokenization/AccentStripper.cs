using System.Globalization;
using System.Text;

namespace Aot.Embeddings.Tokenization;

/// <summary>
/// BERT's accent stripping for one code point: canonical decomposition (NFD) without non-spacing marks, optionally
/// lower-cased. The decomposition comes from <see cref="CanonicalDecomposition"/> (no ICU needed); results are kept in
/// tables of 256 code points, each built the first time one of its code points is seen; after that a lookup
/// allocates nothing.
/// </summary>
/// <remarks>
/// Only planes 0-2 have canonical decompositions (Unicode 16), so higher code points are never looked up. A page is
/// built by whichever thread needs it first; a racing thread builds an identical one, and either may win.
/// </remarks>
internal sealed class AccentStripper
{
    /// <summary>Code points at and above this have no canonical decomposition.</summary>
    public const int DecomposableLimit = 0x30000;

    private const int PageBits = 8;

    private readonly bool _lowerCase;
    private readonly string[]?[] _pages = new string[]?[DecomposableLimit >> PageBits];

    private AccentStripper(bool lowerCase) => _lowerCase = lowerCase;

    public static AccentStripper LowerCasing { get; } = new(lowerCase: true);

    public static AccentStripper CasePreserving { get; } = new(lowerCase: false);

    /// <summary>The stripped form of a code point below <see cref="DecomposableLimit"/> (possibly empty).</summary>
    public ReadOnlySpan<char> Strip(int codePoint)
    {
        string[] page = Volatile.Read(ref _pages[codePoint >> PageBits]) ?? BuildPage(codePoint >> PageBits);
        return page[codePoint & ((1 << PageBits) - 1)];
    }

    private string[] BuildPage(int pageIndex)
    {
        var page = new string[1 << PageBits];
        var builder = new StringBuilder(8);
        for (int i = 0; i < page.Length; i++)
        {
            int codePoint = (pageIndex << PageBits) | i;
            if (!Rune.IsValid(codePoint))
            {
                page[i] = ""; // surrogate code points never arrive as runes
                continue;
            }

            builder.Clear();
            foreach (Rune part in CanonicalDecomposition.Decompose(codePoint).EnumerateRunes())
            {
                if (Rune.GetUnicodeCategory(part) != UnicodeCategory.NonSpacingMark)
                    builder.Append((_lowerCase ? Rune.ToLowerInvariant(part) : part).ToString());
            }

            page[i] = builder.ToString();
        }

        Volatile.Write(ref _pages[pageIndex], page);
        return page;
    }
}
