using System.Text;

namespace Aot.LoadGen.Workloads;

/// <summary>
/// The texts of the <c>/embed</c> workloads, generated deterministically (a fixed-seed generator over a small grammar
/// of common English words, each one WordPiece token in BERT's uncased vocabulary), so every system and every run
/// embeds the same texts. A short text is one sentence of 8–11 words; a long text is sentences joined until it
/// holds <see cref="LongMinTokens"/>–<see cref="LongMaxTokens"/> tokens, under MiniLM's 256-token limit so nobody truncates.
/// A mixed text has a length drawn from a log-normal distribution (<see cref="Mixed"/>), as real traffic has: mostly
/// short queries and sentences, a tail of passages.
/// </summary>
internal static class EmbedTexts
{
    /// <summary>Fewest tokens of a long text ([CLS] and [SEP] included).</summary>
    public const int LongMinTokens = 200;

    /// <summary>Most tokens of a long text ([CLS] and [SEP] included); below all-MiniLM-L6-v2's 256.</summary>
    public const int LongMaxTokens = 240;

    /// <summary>Fewest tokens of a mixed text ([CLS] and [SEP] included).</summary>
    public const int MixedMinTokens = 8;

    /// <summary>Most tokens of a mixed text ([CLS] and [SEP] included): all-MiniLM-L6-v2's 256, so nobody truncates.</summary>
    public const int MixedMaxTokens = 256;

    /// <summary>Median tokens of a mixed text before clamping: a sentence or two.</summary>
    public const double MixedMedianTokens = 40;

    /// <summary>
    /// Spread of the log-normal (σ of ln tokens). 0.9 puts about a quarter of the texts under 22 tokens and one in
    /// twenty over 175 (then clamped to 256): query-and-passage traffic such as MS MARCO's, not a uniform draw.
    /// </summary>
    public const double MixedSigma = 0.9;

    private const int Seed = 20261207;

    internal static readonly string[] Adjectives =
    [
        "small", "large", "old", "new", "quiet", "busy", "bright", "dark", "warm", "cold", "simple", "careful", "quick",
        "slow", "early", "late", "green", "blue", "red", "young", "strong", "local", "public", "private", "heavy", "light",
    ];

    internal static readonly string[] Nouns =
    [
        "team", "teacher", "doctor", "student", "farmer", "driver", "company", "council", "family", "writer", "engineer",
        "manager", "child", "artist", "worker", "officer", "player", "group", "reader", "visitor", "market", "garden",
    ];

    internal static readonly string[] Verbs =
    [
        "built", "opened", "closed", "found", "moved", "painted", "cleaned", "visited", "changed", "checked", "carried",
        "watched", "followed", "bought", "sold", "started", "finished", "planned", "described", "studied", "repaired",
    ];

    internal static readonly string[] Things =
    [
        "house", "bridge", "road", "school", "report", "letter", "window", "door", "table", "book", "river", "station",
        "museum", "library", "hospital", "machine", "picture", "boat", "train", "field", "kitchen", "office",
    ];

    internal static readonly string[] Places =
    [
        "city", "village", "morning", "evening", "winter", "summer", "weekend", "street", "park", "valley", "harbor",
        "island", "north", "south", "center", "hill", "forest", "coast", "square", "market",
    ];

    internal static readonly string[] Prepositions = ["near", "in", "across", "behind", "before", "after", "during", "beside"];

    internal static readonly string[] Adverbs = ["again", "today", "yesterday", "slowly", "quickly", "together", "carefully", "twice"];

    /// <summary>32 short texts (one sentence of 8–11 words each).</summary>
    public static IReadOnlyList<string> Short { get; } = Generate(longTexts: false);

    /// <summary>32 long texts (200–240 tokens each).</summary>
    public static IReadOnlyList<string> Long { get; } = Generate(longTexts: true);

    /// <summary>32 texts of <see cref="MixedMinTokens"/>–<see cref="MixedMaxTokens"/> tokens, lengths log-normal around <see cref="MixedMedianTokens"/>.</summary>
    public static IReadOnlyList<string> Mixed { get; } = GenerateMixed();

    /// <summary>
    /// Tokens of one of these texts under BERT's uncased WordPiece, [CLS] and [SEP] included: every word is one token and
    /// the only punctuation is one full stop per sentence.
    /// </summary>
    public static int TokenCount(string text) => 2 + text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length + text.Count(c => c == '.');

    private static List<string> Generate(bool longTexts)
    {
        var random = new Random(Seed + (longTexts ? 1 : 0));
        var texts = new List<string>();
        while (texts.Count < 32)
        {
            if (!longTexts)
            {
                texts.Add(Sentence(random));
                continue;
            }

            var text = new StringBuilder();
            int tokens = 2;
            while (tokens < LongMinTokens)
            {
                string sentence = Sentence(random);
                int sentenceTokens = TokenCount(sentence) - 2;
                if (tokens + sentenceTokens > LongMaxTokens)
                {
                    continue;
                }

                text.Append(text.Length == 0 ? "" : " ").Append(sentence);
                tokens += sentenceTokens;
            }

            texts.Add(text.ToString());
        }

        return texts;
    }

    private static List<string> GenerateMixed()
    {
        var random = new Random(Seed + 2);
        var texts = new List<string>();
        while (texts.Count < 32)
        {
            // Box–Muller: a standard normal from two uniforms, so the draw is the same on every runtime.
            double normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            int target = Math.Clamp((int)Math.Round(MixedMedianTokens * Math.Exp(MixedSigma * normal)), MixedMinTokens, MixedMaxTokens);
            texts.Add(OfTokens(random, target));
        }

        return texts;
    }

    /// <summary>
    /// Sentences cut to exactly <paramref name="tokens"/> tokens ([CLS]/[SEP] included): words and full stops are one
    /// token each, so the cut may end mid-sentence, as a chunked passage does.
    /// </summary>
    private static string OfTokens(Random random, int tokens)
    {
        var text = new StringBuilder();
        int left = tokens - 2;
        while (left > 0)
        {
            foreach (string word in Sentence(random)[..^1].Split(' '))
            {
                if (left == 0)
                {
                    break;
                }

                text.Append(text.Length == 0 ? "" : " ").Append(word);
                left--;
            }

            if (left > 0)
            {
                text.Append('.');
                left--;
            }
        }

        return text.ToString();
    }

    /// <summary>"The quiet teacher painted the old bridge near the harbor today." — 8 to 11 words and a full stop.</summary>
    private static string Sentence(Random random)
    {
        var words = new List<string> { "the" };
        if (random.Next(2) == 0)
        {
            words.Add(Pick(random, Adjectives));
        }

        words.Add(Pick(random, Nouns));
        words.Add(Pick(random, Verbs));
        words.Add("the");
        if (random.Next(2) == 0)
        {
            words.Add(Pick(random, Adjectives));
        }

        words.Add(Pick(random, Things));
        words.Add(Pick(random, Prepositions));
        words.Add("the");
        words.Add(Pick(random, Places));
        if (random.Next(2) == 0)
        {
            words.Add(Pick(random, Adverbs));
        }

        words[0] = "The";
        return string.Join(' ', words) + ".";
    }

    private static string Pick(Random random, string[] words) => words[random.Next(words.Length)];
}
