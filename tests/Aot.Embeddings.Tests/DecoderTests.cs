using Aot.Embeddings.Protocol;
using Aot.Embeddings.Tokenization;

namespace Aot.Embeddings.Tests;

/// <summary>WordPiece decoding (TEI's <c>/decode</c>): Hugging Face's joining and cleanup rules, and a round trip on the reference sentences.</summary>
[Collection(ModelsCollection.Name)]
public class DecoderTests(Models models)
{
    private static readonly BertTokenizer MiniLm = Models.Tokenizer("minilm");

    [Theory]
    [InlineData("minilm")]
    [InlineData("arctic-xs")]
    public void Decoded_reference_ids_tokenize_back_to_the_same_ids(string model)
    {
        BertTokenizer tokenizer = Models.Tokenizer(model);
        foreach (ReferenceSentence sentence in ReferenceData.Load(model).Sentences.Where(s => !s.BertIds.Contains(tokenizer.UnknownId)))
        {
            int[] ids = [.. sentence.BertIds.Select(static id => (int)id)];
            string text = WordPieceDecoder.Decode(tokenizer, ids);
            Assert.Equal(sentence.BertIds, tokenizer.Tokenize(text).Select(static t => (long)t.Id));
        }
    }

    [Fact]
    public void Pieces_join_punctuation_attaches_and_special_tokens_are_skipped_unless_asked()
    {
        int[] ids = [.. MiniLm.Tokenize("Unaffable tokenization, really!").Select(static t => t.Id)];
        Assert.True(ids.Length > 7, "the words split into pieces");
        Assert.Equal("unaffable tokenization, really!", WordPieceDecoder.Decode(MiniLm, ids));
        Assert.Equal("[CLS] unaffable tokenization, really! [SEP]", WordPieceDecoder.Decode(MiniLm, ids, skipSpecialTokens: false));
        int piece = Enumerable.Range(0, MiniLm.Vocabulary.Count).First(static id => MiniLm.Vocabulary.GetToken(id) == "##ization");
        Assert.Equal("##ization", WordPieceDecoder.Decode(MiniLm, [piece])); // Hugging Face keeps a leading continuation's prefix
    }

    [Fact]
    public void Decode_requests_validate_ids()
    {
        var service = new EmbeddingService(models.MiniLm);
        Assert.Equal(["hello world", "hello"], service.Decode(EmbeddingService.ParseDecodeRequest("""{"ids":[[101,7592,2088,102],[7592]]}"""u8)));
        Assert.Equal(["[CLS] hello"], service.Decode(EmbeddingService.ParseDecodeRequest("""{"ids":[101,7592],"skip_special_tokens":false}"""u8)));
        var error = Assert.Throws<EmbeddingRequestException>(() => service.Decode(EmbeddingService.ParseDecodeRequest("""{"ids":[30522]}"""u8)));
        Assert.Equal((422, "`ids`: token id 30522 is not in the vocabulary (0..30521)"), (error.StatusCode, error.Message));
    }
}
