namespace Aot.Embeddings.Tokenization;

/// <summary>
/// Canonical decomposition (NFD) of one code point without ICU, so the tokenizer strips accents the same way in a
/// program built with <c>InvariantGlobalization=true</c> (the native-AOT server) as with ICU. The table
/// (<c>CanonicalDecomposition.Table.cs</c>) is generated from ICU and checked against it by
/// <c>CanonicalDecompositionTests</c> in tests/Aot.Embeddings.Tests; Hangul syllables follow Unicode's algorithm.
/// </summary>
internal static partial class CanonicalDecomposition
{
    private const int HangulBase = 0xAC00;
    private const int HangulCount = 11172;
    private const int LeadingBase = 0x1100;
    private const int VowelBase = 0x1161;
    private const int TrailingBase = 0x11A7;
    private const int VowelCount = 21;
    private const int TrailingCount = 28;

    /// <summary>The full canonical decomposition of <paramref name="codePoint"/> (the code point itself when it has none).</summary>
    public static string Decompose(int codePoint)
    {
        if (codePoint is >= HangulBase and < HangulBase + HangulCount)
        {
            int index = codePoint - HangulBase;
            int trailing = index % TrailingCount;
            var syllable = new string([(char)(LeadingBase + (index / (VowelCount * TrailingCount))), (char)(VowelBase + (index % (VowelCount * TrailingCount) / TrailingCount)), (char)(TrailingBase + trailing)]);
            return trailing == 0 ? syllable[..2] : syllable;
        }

        int found = CodePoints.BinarySearch(codePoint);
        return found < 0
            ? char.ConvertFromUtf32(codePoint)
            : Decompositions.Substring(Offsets[found], Offsets[found + 1] - Offsets[found]);
    }
}
