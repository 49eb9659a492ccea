namespace Aot.Embeddings.Tokenization;

/// <summary>One token of a text, with where it came from.</summary>
/// <param name="Id">Vocabulary id.</param>
/// <param name="Start">First UTF-16 index of the source text it covers (0 for special tokens).</param>
/// <param name="End">UTF-16 index just after the source text it covers (0 for special tokens).</param>
/// <param name="IsSpecial">Whether it is <c>[CLS]</c> or <c>[SEP]</c>, added by the tokenizer.</param>
public readonly record struct Token(int Id, int Start, int End, bool IsSpecial);
