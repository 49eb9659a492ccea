using Aot.Generators.Onnx;
using Aot.Generators.Tests.Onnx;
using Aot.Protocol;

namespace Aot.Generators.Tests;

/// <summary>The text manifest written by the build task and read by the generator.</summary>
public sealed class ManifestTests
{
    [Fact]
    public void Round_trips_everything_the_reader_gives()
    {
        const string Weird = "tab\tnew\nline\r\\back\u2028sep\u0085nel\u0001ctl \"q\" 日本";
        OnnxModelBuilder builder = TestModels.NamingTorture()
            .Input(Weird, OnnxType.Tensor(Elem.Float, Weird, "$x", "?", 5L), Weird)
            .Input("seq", OnnxType.Sequence(OnnxType.Tensor(Elem.Float)))
            .Input("no_shape", OnnxType.TensorWithoutShape(Elem.Double))
            .Metadata(Weird, Weird)
            .Opset("com.microsoft", 1);
        builder.DocString = Weird;
        OnnxModelInfo model = OnnxMetadataReader.Read(new MemoryStream(builder.ToArray()));

        string text = OnnxManifest.Write("/models/" + Weird + ".onnx", model);
        OnnxManifestContent parsed = OnnxManifest.Parse(text);

        Assert.Equal("/models/" + Weird + ".onnx", parsed.ModelPath);
        Assert.Null(parsed.Error);
        OnnxModelInfo roundTripped = parsed.Model!;
        Assert.Equal(Weird, roundTripped.DocString);
        Assert.Equal(model.Opsets, roundTripped.Opsets);
        Assert.Equal(model.MetadataProps, roundTripped.MetadataProps);
        AssertSameValues(model.Inputs, roundTripped.Inputs);
        AssertSameValues(model.Outputs, roundTripped.Outputs);

        // Line breaks never survive unescaped: one record per line whatever the strings hold.
        Assert.DoesNotContain('\r', text);
        Assert.DoesNotContain('\u2028', text);
        Assert.Equal(text.Split('\n').Length - 1, text.Count(c => c == '\n'));
    }

    [Fact]
    public void Is_deterministic_and_readable()
    {
        OnnxModelInfo model = OnnxMetadataReader.Read(new MemoryStream(TestModels.MiniLmLike().ToArray()));

        string text = OnnxManifest.Write("/m/all-MiniLM-L6-v2.onnx", model);

        Assert.Equal(text, OnnxManifest.Write("/m/all-MiniLM-L6-v2.onnx", model));
        Assert.StartsWith("aot-onnx-manifest\t1\nmodel\t/m/all-MiniLM-L6-v2.onnx\nir_version\t8\n", text);
        Assert.Contains("\ninput\tinput_ids\ttensor\t7\ttensor(int64)\tToken ids from the WordPiece vocabulary.\t2\t$batch_size\t$sequence_length\n", text);
        Assert.Contains("\noutput\t924\ttensor\t1\ttensor(float)\t\t2\t$batch_size\t384\n", text);
    }

    [Fact]
    public void Carries_a_read_error()
    {
        OnnxManifestContent parsed = OnnxManifest.Parse(OnnxManifest.WriteError("/m/bad.onnx", "the file is empty"));

        Assert.Equal(("/m/bad.onnx", "the file is empty"), (parsed.ModelPath, parsed.Error));
        Assert.Null(parsed.Model);
    }

    [Theory]
    [InlineData("", "the manifest is empty")]
    [InlineData("hello\n", "line 1: not an Aot ONNX manifest")]
    [InlineData("aot-onnx-manifest\t2\n", "manifest format 2 is not the one this generator reads (1); rebuild so the manifests are written again")]
    [InlineData("aot-onnx-manifest\t1\nir_version\t8\n", "the manifest does not name its model")]
    [InlineData("aot-onnx-manifest\t1\nmodel\tm\ninput\tx\n", "line 3: 'input' needs at least 3 fields")]
    [InlineData("aot-onnx-manifest\t1\nmodel\tm\ninput\tx\ttensor\t1\td\t\t2\t1\n", "line 3: rank 2 does not match the 1 dimensions given")]
    [InlineData("aot-onnx-manifest\t1\nmodel\tm\ninput\tx\tblob\t1\td\t\t-\n", "line 3: unknown value kind 'blob'")]
    [InlineData("aot-onnx-manifest\t1\nmodel\tm\\q\n", "line 2: invalid escape sequence")]
    [InlineData("aot-onnx-manifest\t1\nmodel\tm\nir_version\teight\n", "line 3: 'eight' is not a number")]
    public void Malformed_manifests_are_rejected_with_the_line(string text, string message)
    {
        OnnxFormatException error = Assert.Throws<OnnxFormatException>(() => OnnxManifest.Parse(text));
        Assert.Equal(message, error.Message);
    }

    private static void AssertSameValues(IReadOnlyList<OnnxValueInfo> expected, IReadOnlyList<OnnxValueInfo> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Name, actual[i].Name);
            Assert.Equal(expected[i].DocString, actual[i].DocString);
            Assert.Equal(expected[i].Type.Kind, actual[i].Type.Kind);
            Assert.Equal(expected[i].Type.ElementType, actual[i].Type.ElementType);
            Assert.Equal(expected[i].Type.Description, actual[i].Type.Description);
            Assert.Equal(expected[i].Type.Shape, actual[i].Type.Shape);
        }
    }
}
