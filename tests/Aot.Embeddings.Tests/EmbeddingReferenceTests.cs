namespace Aot.Embeddings.Tests;

/// <summary>Vectors against the references (cosine ≥ 0.9999), one text at a time and in one padded batch.</summary>
[Collection(ModelsCollection.Name)]
public class EmbeddingReferenceTests(Models models)
{
    public static TheoryData<string> ModelNames() => new("minilm", "arctic-xs");

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void Unbatched_vectors_equal_the_bert_reference(string model)
    {
        foreach (ReferenceSentence sentence in ReferenceData.Load(model).Sentences)
            VectorAssert.Close(sentence.BertVector, models.Get(model).Embed(sentence.Text), $"{model} '{sentence}'");
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void Batched_vectors_equal_the_bert_reference(string model)
    {
        IReadOnlyList<ReferenceSentence> sentences = ReferenceData.Load(model).Sentences;
        float[][] vectors = models.Get(model).Embed([.. sentences.Select(s => s.Text)]);
        for (int i = 0; i < sentences.Count; i++)
            VectorAssert.Close(sentences[i].BertVector, vectors[i], $"{model} '{sentences[i]}'");
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void Vectors_equal_the_package_pipeline_wherever_its_tokenizer_agrees(string model)
    {
        IReadOnlyList<ReferenceSentence> sentences = [.. ReferenceData.Load(model).Sentences.Where(s => s.PackageTokenizerAgrees)];
        Assert.True(sentences.Count >= 10);
        float[][] batched = models.Get(model).Embed([.. sentences.Select(s => s.Text)]);
        for (int i = 0; i < sentences.Count; i++)
        {
            VectorAssert.Close(sentences[i].PackageVector, models.Get(model).Embed(sentences[i].Text), $"{model} unbatched '{sentences[i]}'");
            VectorAssert.Close(sentences[i].PackageBatchedVector, batched[i], $"{model} batched '{sentences[i]}'");
        }
    }

    [Fact]
    public void Hidden_size_comes_from_the_output_metadata()
    {
        Assert.Equal(384, models.MiniLm.HiddenSize);
        Assert.Equal(384, models.Arctic.HiddenSize);
        Assert.Equal(384, models.MiniLm.Embed("x").Length);
    }
}
