namespace Aot.Embeddings.Tokenization;

/// <summary>What <see cref="BertTokenizer.Encode"/> wrote.</summary>
/// <param name="Length">Tokens written, <c>[CLS]</c> and <c>[SEP]</c> included.</param>
/// <param name="Truncated">Whether tokens were dropped to fit.</param>
public readonly record struct EncodeResult(int Length, bool Truncated);
