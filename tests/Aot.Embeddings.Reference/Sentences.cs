using System.Text;

/// <summary>The fixed sentence set: each entry exercises one tokenizer or pooling concern (named in its comment).</summary>
internal static class Sentences
{
    public static readonly string[] All =
    [
        "The quick brown fox jumps over the lazy dog.",                 // plain English, punctuation at the end
        "Hello, world!",                                                 // short, two punctuation marks
        "how do I reset my password",                                    // search-style query, no punctuation
        "MiXeD CaSe TeXt with ACRONYMS like NASA, iPhone and GPU",       // lower-casing
        "Café naïve résumé",                                             // accents (stripped by BERT)
        "Über straße Ångström façade",                                   // more Latin accents, ß
        "我喜欢机器学习",                                                  // CJK: one token per ideograph in BERT
        "Tokyo 東京 is big",                                              // CJK mixed with Latin
        "I love 🍕 and 🎉!",                                              // emoji: [UNK] in BERT's vocabulary
        "What?! No... way -- (really) [sure] {ok} \"quoted\" 'single' #hash $5.00 50% a+b=c @user <tag> ^caret `tick` |pipe| ~tilde", // ASCII punctuation
        "In 2024, GPU prices rose 3.5x to $1,999.",                       // numbers
        "unaffable tokenization of hyperparameterized subwords",         // multi-piece words (##)
        "line one\nline two\ttabbed\r\nwindows",                         // whitespace other than ' '
        "",                                                              // empty
        "   ",                                                           // whitespace only
        ".",                                                             // punctuation only
        Long(25),                                                        // > 256 tokens, < 510: no truncation
        Long(90),                                                        // > 512 tokens: truncated at 512
        "hello world",                                                   // the README's curl example
    ];

    private static string Long(int sentences)
    {
        string[] pool =
        [
            "Embedding models map text to vectors so that similar meanings land close together.",
            "A server batches requests, pads them to the longest sequence and runs the encoder once.",
            "Mean pooling averages the token vectors that the attention mask marks as real.",
        ];
        var text = new StringBuilder();
        for (int i = 0; i < sentences; i++)
        {
            text.Append(pool[i % pool.Length]).Append(' ');
        }

        return text.ToString().TrimEnd();
    }
}
