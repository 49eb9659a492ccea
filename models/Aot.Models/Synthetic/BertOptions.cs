using System.Globalization;

namespace Aot.Models.Synthetic;

/// <summary>Shape of a BERT encoder. The defaults are BERT-base (uncased vocabulary); <see cref="Tiny"/> is for tests.</summary>
public sealed record BertOptions
{
    /// <summary>BERT-base: 12 layers, hidden 768, 12 heads, intermediate 3072, vocabulary 30522 (~110M parameters).</summary>
    public static BertOptions Base { get; } = new();

    /// <summary>A 2-layer, 128-wide encoder with BERT's vocabulary, so real token ids still work (~4.4M parameters).</summary>
    public static BertOptions Tiny { get; } = new() { Layers = 2, Hidden = 128, Heads = 2, Intermediate = 512 };

    /// <summary><see cref="Tiny"/> with a 3-label classification head, for the sequence-classification routes.</summary>
    public static BertOptions TinyClassifier { get; } = Tiny with { ClassifierLabels = 3 };

    /// <summary>Encoder layers.</summary>
    public int Layers { get; init; } = 12;

    /// <summary>Width of the hidden state.</summary>
    public int Hidden { get; init; } = 768;

    /// <summary>Attention heads; must divide <see cref="Hidden"/>.</summary>
    public int Heads { get; init; } = 12;

    /// <summary>Width of the feed-forward layer.</summary>
    public int Intermediate { get; init; } = 3072;

    /// <summary>Token vocabulary size (valid input ids are 0..VocabSize-1).</summary>
    public int VocabSize { get; init; } = 30522;

    /// <summary>Longest sequence the position embeddings cover.</summary>
    public int MaxPositions { get; init; } = 512;

    /// <summary>Number of token types (segments).</summary>
    public int TypeVocabSize { get; init; } = 2;

    /// <summary>
    /// Labels of a sequence-classification head; 0 (the default) builds the plain encoder. When set, the model
    /// ends as Hugging Face's <c>BertForSequenceClassification</c>: a pooler (dense + tanh on [CLS]) and a dense
    /// classifier, output <c>logits</c> float [batch, labels].
    /// </summary>
    public int ClassifierLabels { get; init; }

    /// <summary>Seed of the weights.</summary>
    public ulong Seed { get; init; } = 42;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Layers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Hidden);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Heads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Intermediate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(VocabSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxPositions);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(TypeVocabSize);
        ArgumentOutOfRangeException.ThrowIfNegative(ClassifierLabels);
        if (Hidden % Heads != 0)
            throw new ArgumentException($"Hidden ({Hidden}) must be a multiple of Heads ({Heads}).", nameof(Heads));
    }

    // The label count joins the key only when set, so the encoders' cached files keep their keys.
    internal string RecipeKey => string.Create(CultureInfo.InvariantCulture,
        $"bert layers={Layers} hidden={Hidden} heads={Heads} intermediate={Intermediate} vocab={VocabSize} positions={MaxPositions} types={TypeVocabSize} seed={Seed}")
        + (ClassifierLabels > 0 ? string.Create(CultureInfo.InvariantCulture, $" labels={ClassifierLabels}") : "");
}
