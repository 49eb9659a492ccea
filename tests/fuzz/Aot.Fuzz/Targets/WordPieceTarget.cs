using System.Text;
using Aot.Embeddings.Tokenization;

namespace Aot.Fuzz.Targets;

/// <summary>
/// MiniLM's WordPiece tokenizer on arbitrary bytes (decoded as UTF-8, as a request body's strings are): encode with
/// truncation, tokenize with offsets, count, encode a pair (split at the first tab), and decode the ids back. Nothing
/// is a documented refusal: every text has a tokenization.
/// </summary>
internal sealed class WordPieceTarget : FuzzTarget
{
    private const int MaxTokens = 512;

    private readonly BertTokenizer _tokenizer = FuzzModels.Text.All[0].Embeddings!.Model.Tokenizer;
    private readonly long[] _ids = new long[MaxTokens];
    private readonly long[] _mask = new long[MaxTokens];
    private readonly long[] _types = new long[MaxTokens];

    public override string Name => "wordpiece";

    public override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        string text = Encoding.UTF8.GetString(input);
        EncodeResult encoded = _tokenizer.Encode(text, _ids, truncate: true);
        _tokenizer.Tokenize(text);
        _tokenizer.CountTokens(text);
        int tab = text.IndexOf('\t', StringComparison.Ordinal);
        if (tab >= 0)
        {
            _tokenizer.EncodePairRow(text.AsSpan(0, tab), text.AsSpan(tab + 1), _ids, _mask, _types);
        }

        int[] ids = [.. _ids.AsSpan(0, encoded.Length).ToArray().Select(static id => (int)id)];
        WordPieceDecoder.Decode(_tokenizer, ids, skipSpecialTokens: false);
        return FuzzOutcome.Accepted;
    }
}
