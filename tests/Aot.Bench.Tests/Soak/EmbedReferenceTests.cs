using System.Text.Json;
using Aot.LoadGen.Soak;
using Xunit;

namespace Aot.Bench.Tests.Soak;

/// <summary>The /embed check: each vector against its text's reference by cosine.</summary>
public class EmbedReferenceTests
{
    private static readonly string[] Texts = ["one", "two", "three"];
    private static readonly float[][] Vectors = [[1, 0, 0], [0, 1, 0], [0.6f, 0.8f, 0]];
    private readonly EmbedReference _reference = new(Texts, Vectors);

    [Fact]
    public void Request_bodies_take_eight_texts_down_to_one_in_turn_and_wrap()
    {
        Assert.Equal(["one", "two", "three", "one", "two", "three", "one", "two"], Inputs(0));
        Assert.Equal(["three", "one", "two", "three", "one", "two", "three", "one"], Inputs(2));
        Assert.Equal(["one", "two", "three", "one", "two", "three", "one"], Inputs(3));
        Assert.Equal(["three"], Inputs((7 * 3) + 2));
    }

    [Fact]
    public void Longest_texts_come_first()
    {
        Assert.Equal(["a b c d", "a b", "x y", "a"], EmbedReference.LongestFirst(["a", "a b", "a b c d", "x y"]));
    }

    [Fact]
    public void Vectors_pointing_the_same_way_as_the_references_match()
    {
        Assert.Null(_reference.Mismatch((6 * 3) + 1, [[0, 2, 0], [0.6f, 0.8f, 0.0001f]]));
    }

    [Fact]
    public void A_vector_turned_away_from_its_reference_names_its_text_and_cosine()
    {
        string? mismatch = _reference.Mismatch((6 * 3) + 1, [[0, 1, 0], [0.8f, 0.6f, 0]]);
        Assert.StartsWith("text 2: cosine 0.96", mismatch);
    }

    [Fact]
    public void Too_few_vectors_or_dimensions_are_mismatches()
    {
        Assert.Equal("1 vectors for 2 texts", _reference.Mismatch((6 * 3) + 1, [[0, 1, 0]]));
        Assert.Equal("text 0: 2 dimensions, expected 3", _reference.Mismatch(7 * 3, [[1, 0]]));
    }

    [Fact]
    public void References_and_texts_must_pair_up()
    {
        Assert.Throws<ArgumentException>(() => new EmbedReference(Texts, Vectors[..2]));
    }

    private string[] Inputs(int sequence)
    {
        JsonElement inputs = JsonDocument.Parse(_reference.Body(sequence)).RootElement.GetProperty("inputs");
        return inputs.ValueKind == JsonValueKind.String ? [inputs.GetString()!] : [.. inputs.EnumerateArray().Select(e => e.GetString()!)];
    }
}
