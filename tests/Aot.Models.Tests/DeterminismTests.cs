using System.Security.Cryptography;
using Aot.Models.Onnx;
using Aot.Models.Synthetic;

namespace Aot.Models.Tests;

/// <summary>Same seed ⇒ same bytes; another seed ⇒ other bytes; and known recipes keep their known bytes.</summary>
public class DeterminismTests
{
    public static TheoryData<string> Builders => ["tiny", "resnet", "bert", "bert-classifier", "lstm"];

    private static byte[] Build(string builder, ulong seed) => OnnxWriter.ToBytes(builder switch
    {
        "tiny" => TinyModel.Build(SmallConfigs.Tiny with { Seed = seed }),
        "resnet" => ResNetModel.Build(SmallConfigs.ResNet with { Seed = seed }),
        "bert" => BertModel.Build(SmallConfigs.Bert with { Seed = seed }),
        "bert-classifier" => BertModel.Build(SmallConfigs.Bert with { Seed = seed, ClassifierLabels = 3 }),
        "lstm" => LstmModel.Build(SmallConfigs.Lstm with { Seed = seed }),
        _ => throw new ArgumentOutOfRangeException(nameof(builder)),
    });

    [Theory]
    [MemberData(nameof(Builders))]
    public void Same_seed_gives_identical_bytes(string builder) => Assert.Equal(Build(builder, 5), Build(builder, 5));

    [Theory]
    [MemberData(nameof(Builders))]
    public void Different_seed_gives_different_weights_but_same_size(string builder)
    {
        var a = Build(builder, 5);
        var b = Build(builder, 6);
        Assert.NotEqual(a, b);
        Assert.Equal(a.Length, b.Length);
    }

    [Fact]
    public void Fixtures_are_identical_when_written_twice() => Assert.Equal(FixturesDigest(), FixturesDigest());

    /// <summary>
    /// Pins the bytes of small recipes. If this fails after an intended change to a builder or the writer, bump
    /// <c>ModelGenerator.Version</c> (so every cache regenerates) and paste the new hashes here.
    /// </summary>
    [Theory]
    [InlineData("tiny", "be1aaf3f46e92a32c4cdda55d7d8a0515dea3b0658fc9a44791170dba3ebb38a")]
    [InlineData("resnet", "61907a564085daafa82d1120c78aadfdd07534afe85d0feab85ea80923b284e5")]
    [InlineData("bert", "d1d90dedd9c7c6d3317b6a2273fbb46bf1ac8d2ac5ee01d5c05103f4e766179f")]
    [InlineData("bert-classifier", "8c1619d60ecce72e01f1c6766871f61b6a8076c9e9636b269c9c722d0ad59341")]
    [InlineData("lstm", "37898f65997bf33eea9fba7d632240f6a26de8c2b7b3a1a09ccf1545e53b649e")]
    public void Known_recipes_keep_their_bytes(string builder, string sha256)
    {
        Assert.Equal(1, ModelGenerator.Version);
        // The message carries the whole hash (Assert.Equal cuts long strings), ready to paste.
        string actual = Convert.ToHexStringLower(SHA256.HashData(Build(builder, 42)));
        Assert.True(sha256 == actual, $"{builder}: {actual}");
    }

    /// <summary>Pins every fixture file, like <see cref="Known_recipes_keep_their_bytes"/> (same remedy when it fails).</summary>
    [Fact]
    public void Fixtures_keep_their_bytes()
    {
        Assert.Equal(1, ModelGenerator.Version);
        Assert.Equal("73a0b9ee60bb5b088dc1075462341c879411fc3a0d6a0eab455bf1160e8b2bb2", FixturesDigest());
    }

    /// <summary>SHA-256 over "sha256  file" lines of all fixture files in ordinal file name order.</summary>
    private static string FixturesDigest()
    {
        var directory = Directory.CreateTempSubdirectory("aot-models-fixtures-");
        try
        {
            Fixtures.WriteAll(directory.FullName);
            var lines = directory.EnumerateFiles().OrderBy(file => file.Name, StringComparer.Ordinal)
                .Select(file => $"{Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file.FullName)))}  {file.Name}\n");
            return Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Concat(lines))));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
