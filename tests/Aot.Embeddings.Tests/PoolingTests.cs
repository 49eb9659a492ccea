using Aot.Embeddings.Pooling;
using Aot.Embeddings.Tokenization;

namespace Aot.Embeddings.Tests;

[Collection(ModelsCollection.Name)]
public class PoolingTests(Models models)
{
    private const string Text = "Matryoshka embeddings keep their meaning in the first dimensions.";

    [Fact]
    public void Mean_pooling_averages_only_the_real_tokens()
    {
        // 3 tokens of width 2, then a padding token whose values must not count.
        float[] hidden = [1, 2, 3, 4, 5, 6, 100, 100];
        var pooled = new float[2];
        EmbeddingPooling.Pool(hidden, hiddenSize: 2, tokenCount: 3, PoolingMode.Mean, pooled);
        Assert.Equal([3f, 4f], pooled);
    }

    [Fact]
    public void Cls_pooling_takes_the_first_token_and_dimensions_truncate()
    {
        float[] hidden = [1, 2, 3, 4, 5, 6];
        var pooled = new float[2];
        EmbeddingPooling.Pool(hidden, hiddenSize: 3, tokenCount: 2, PoolingMode.Cls, pooled);
        Assert.Equal([1f, 2f], pooled);
    }

    [Fact]
    public void Normalize_gives_unit_length_and_leaves_a_zero_vector_alone()
    {
        float[] v = [3, 4];
        EmbeddingPooling.Normalize(v);
        Assert.Equal([0.6f, 0.8f], v);
        float[] zero = [0, 0];
        EmbeddingPooling.Normalize(zero);
        Assert.Equal([0f, 0f], zero);
    }

    [Fact]
    public void Normalize_false_returns_the_raw_pooled_vector()
    {
        float[] raw = models.MiniLm.Embed(Text, new EmbedOptions { Normalize = false });
        float[] unit = models.MiniLm.Embed(Text);
        Assert.NotEqual(1.0, VectorAssert.Norm(raw), 3);
        Assert.Equal(1.0, VectorAssert.Norm(unit), 5);
        VectorAssert.Close(raw, unit, "same direction");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Dimensions_truncate_the_raw_vector_then_renormalise(bool normalize)
    {
        float[] raw = models.MiniLm.Embed(Text, new EmbedOptions { Normalize = false });
        float[] truncated = models.MiniLm.Embed(Text, new EmbedOptions { Normalize = normalize, Dimensions = 128 });
        Assert.Equal(128, truncated.Length);
        float[] expected = raw[..128];
        if (normalize)
            EmbeddingPooling.Normalize(expected);
        for (int i = 0; i < 128; i++)
            Assert.Equal(expected[i], truncated[i], 1e-6f);
        if (normalize)
            Assert.Equal(1.0, VectorAssert.Norm(truncated), 5);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(385)]
    [InlineData(-1)]
    public void Dimensions_out_of_range_are_refused(int dimensions)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => models.MiniLm.Embed(Text, new EmbedOptions { Dimensions = dimensions }));
        Assert.StartsWith("dimensions must be between 1 and 384.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cls_and_mean_pooling_differ_on_the_same_model()
    {
        using var cls = EmbeddingModel.Create(models.MiniLm.OnnxModel, models.MiniLm.Tokenizer, new EmbeddingModelOptions { Pooling = PoolingMode.Cls });
        float[] mean = models.MiniLm.Embed(Text);
        float[] first = cls.Embed(Text);
        Assert.True(VectorAssert.Cosine(mean, first) < 0.99);
    }

    [Theory]
    [InlineData(TruncationDirection.Right)]
    [InlineData(TruncationDirection.Left)]
    public void Truncation_direction_picks_which_end_is_embedded(TruncationDirection direction)
    {
        // A short model limit makes the two halves of the text the only thing each direction can see.
        using var shortModel = EmbeddingModel.Create(models.MiniLm.OnnxModel, models.MiniLm.Tokenizer, new EmbeddingModelOptions { MaxSequenceLength = 8 });
        const string start = "cats purr on warm windowsills";
        const string end = "rockets launch from cape canaveral";
        float[] whole = shortModel.Embed($"{start} {end}", new EmbedOptions { TruncationDirection = direction });
        float[] expected = models.MiniLm.Embed(direction == TruncationDirection.Right ? Kept(start, 6, fromEnd: false) : Kept(end, 6, fromEnd: true));
        VectorAssert.Close(expected, whole, direction.ToString());

        string Kept(string text, int tokens, bool fromEnd)
        {
            List<Token> all = models.MiniLm.Tokenizer.Tokenize(text, addSpecialTokens: false);
            List<Token> kept = fromEnd ? all[^tokens..] : all[..tokens];
            return text[kept[0].Start..kept[^1].End];
        }
    }

    [Fact]
    public void Too_long_text_without_truncation_is_refused()
    {
        using var shortModel = EmbeddingModel.Create(models.MiniLm.OnnxModel, models.MiniLm.Tokenizer, new EmbeddingModelOptions { MaxSequenceLength = 8 });
        var error = Assert.Throws<InputTooLongException>(() => shortModel.Embed("one two three four five six seven", new EmbedOptions { Truncate = false }));
        Assert.Equal(9, error.TokenCount);
    }
}
