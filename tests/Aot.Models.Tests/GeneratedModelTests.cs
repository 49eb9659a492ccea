using Aot.Models.Onnx;
using Aot.Models.Synthetic;
using Aot.Protocol;
using Microsoft.ML.OnnxRuntime;

namespace Aot.Models.Tests;

/// <summary>Every generated architecture loads and runs in ONNX Runtime with finite outputs of the documented shapes.</summary>
public class GeneratedModelTests
{
    [Fact]
    public void Tiny_runs_and_applies_relu()
    {
        using var session = Ort.Open(OnnxWriter.ToBytes(TinyModel.Build()));
        Assert.Equal("in  x: Float [batch, 16]\nout y: Float [batch, 16]", Ort.Describe(session).ReplaceLineEndings("\n"));

        using var x = Ort.Tensor(RandomFloats(3 * 16, seed: 1), 3, 16);
        using var outputs = Ort.Run(session, ("x", x));
        Assert.Equal([3L, 16L], outputs.Shape("y"));
        var y = outputs.Floats("y");
        Ort.AssertFinite(y);
        Assert.All(y, value => Assert.True(value >= 0));
        Assert.Contains(y, value => value > 0);
    }

    [Fact]
    public void Small_resnet_runs_and_distinguishes_inputs()
    {
        var o = SmallConfigs.ResNet;
        using var session = Ort.Open(OnnxWriter.ToBytes(ResNetModel.Build(o)));
        Assert.Equal("in  input: Float [batch, 3, 64, 64]\nout logits: Float [batch, 10]", Ort.Describe(session).ReplaceLineEndings("\n"));

        using var input = Ort.Tensor(RandomFloats(2 * 3 * 64 * 64, seed: 2), 2, 3, 64, 64);
        using var outputs = Ort.Run(session, ("input", input));
        Assert.Equal([2L, 10L], outputs.Shape("logits"));
        var logits = outputs.Floats("logits");
        Ort.AssertFinite(logits);
        Assert.NotEqual(logits[..10], logits[10..]);
    }

    [Fact]
    public void Full_resnet50_from_the_store_is_resnet50_sized_and_runs()
    {
        var path = ModelStore.GetPath("resnet50");
        var census = Census(path);
        // torchvision's resnet50 has 25,557,032 parameters; folding BatchNorm turns each of its 26,560 channels'
        // scale and shift into one conv bias.
        Assert.Equal(25_557_032 - 26_560, census.Parameters);
        Assert.Equal(53, census.OpTypes.Count(op => op == "Conv"));

        using var session = Ort.OpenUnoptimized(path);
        Assert.Equal("in  input: Float [batch, 3, 224, 224]\nout logits: Float [batch, 1000]", Ort.Describe(session).ReplaceLineEndings("\n"));
        using var input = Ort.Tensor(RandomFloats(3 * 224 * 224, seed: 3), 1, 3, 224, 224);
        using var outputs = Ort.Run(session, ("input", input));
        Assert.Equal([1L, 1000L], outputs.Shape("logits"));
        Ort.AssertFinite(outputs.Floats("logits"));
    }

    [Fact]
    public void Small_bert_runs_and_honours_the_attention_mask()
    {
        var o = SmallConfigs.Bert;
        using var session = Ort.Open(OnnxWriter.ToBytes(BertModel.Build(o)));
        Assert.Equal(
            "in  input_ids: Int64 [batch, sequence]\nin  attention_mask: Int64 [batch, sequence]\nin  token_type_ids: Int64 [batch, sequence]\n" +
            "out last_hidden_state: Float [batch, sequence, 32]",
            Ort.Describe(session).ReplaceLineEndings("\n"));

        long[] ids = [5, 17, 42, 8, 99, 3, 1];
        long[] mask = [1, 1, 1, 1, 1, 0, 0];
        long[] types = [0, 0, 0, 1, 1, 1, 1];
        var hidden = RunBert(session, ids, mask, types);
        Assert.Equal(7 * 32, hidden.Length);
        Ort.AssertFinite(hidden);

        // Changing a masked-out token must not change what the attended tokens see.
        long[] otherPadding = [5, 17, 42, 8, 99, 77, 66];
        var again = RunBert(session, otherPadding, mask, types);
        for (var i = 0; i < 5 * 32; i++)
            Assert.Equal(hidden[i], again[i], 4);
        Assert.NotEqual(hidden[(6 * 32)..], again[(6 * 32)..]);
    }

    [Fact]
    public void Bert_tiny_from_the_store_has_bert_vocabulary()
    {
        using var session = Ort.Open(ModelStore.GetPath("bert-tiny"));
        var hidden = RunBert(session, [101, 7592, 2088, 30521, 102], [1, 1, 1, 1, 1], [0, 0, 0, 0, 0]);
        Assert.Equal(5 * 128, hidden.Length);
        Ort.AssertFinite(hidden);
    }

    [Fact]
    public void Bert_tiny_classifier_from_the_store_gives_one_row_of_logits_per_sequence()
    {
        using var session = Ort.Open(ModelStore.GetPath("bert-tiny-classifier"));
        Assert.Equal(["logits"], session.OutputMetadata.Keys);
        long[] ids = [101, 7592, 102, 2088, 102, 101, 2088, 102, 0, 0];
        long[] mask = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0];
        long[] types = [0, 0, 0, 1, 1, 0, 0, 0, 0, 0];
        using var idsValue = Ort.Tensor(ids, 2, 5);
        using var maskValue = Ort.Tensor(mask, 2, 5);
        using var typesValue = Ort.Tensor(types, 2, 5);
        using var outputs = Ort.Run(session, ("input_ids", idsValue), ("attention_mask", maskValue), ("token_type_ids", typesValue));
        Assert.Equal([2L, 3L], outputs.Shape("logits"));
        var logits = outputs.Floats("logits");
        Ort.AssertFinite(logits);
        // The two sequences differ, and so must their logits; a constant head would hide a wiring mistake.
        Assert.NotEqual(logits[..3], logits[3..]);
    }

    [Fact]
    public void Full_bert_base_from_the_store_is_bert_base_sized_and_runs()
    {
        var o = BertOptions.Base;
        var path = ModelStore.GetPath("bert");
        var census = Census(path);
        long h = o.Hidden, i = o.Intermediate;
        var embeddings = (o.VocabSize + o.MaxPositions + o.TypeVocabSize) * h + 2 * h;
        var layer = 4 * (h * h + h) + 2 * h + (h * i + i) + (i * h + h) + 2 * h;
        Assert.Equal(embeddings + o.Layers * layer, census.Parameters);
        Assert.Equal(12, census.OpTypes.Count(op => op == "Softmax"));

        using var session = Ort.OpenUnoptimized(path);
        var ids = Enumerable.Range(0, 16).Select(i => (long)(i * 1000 % o.VocabSize)).ToArray();
        var hidden = RunBert(session, ids, [.. ids.Select(_ => 1L)], [.. ids.Select(_ => 0L)]);
        Assert.Equal(16 * 768, hidden.Length);
        Ort.AssertFinite(hidden);
    }

    [Fact]
    public void Small_lstm_runs_and_last_step_equals_final_state()
    {
        var o = SmallConfigs.Lstm;
        using var session = Ort.Open(OnnxWriter.ToBytes(LstmModel.Build(o)));
        Assert.Equal("in  input: Float [batch, sequence, 8]\nout output: Float [batch, sequence, 16]\nout h_n: Float [2, batch, 16]",
            Ort.Describe(session).ReplaceLineEndings("\n"));

        const int batch = 3, steps = 5;
        using var input = Ort.Tensor(RandomFloats(batch * steps * o.Features, seed: 4), batch, steps, o.Features);
        using var outputs = Ort.Run(session, ("input", input));
        Assert.Equal([(long)batch, steps, o.Hidden], outputs.Shape("output"));
        Assert.Equal([2L, batch, o.Hidden], outputs.Shape("h_n"));
        var output = outputs.Floats("output");
        var finalStates = outputs.Floats("h_n");
        Ort.AssertFinite(output);

        // Batch-first layout check: output[b, last step, :] is the last layer's final hidden state h_n[1, b, :].
        for (var b = 0; b < batch; b++)
        {
            var lastStep = output.AsSpan((b * steps + steps - 1) * o.Hidden, o.Hidden).ToArray();
            var final = finalStates.AsSpan((batch + b) * o.Hidden, o.Hidden).ToArray();
            Assert.Equal(final, lastStep);
        }
    }

    [Fact]
    public void Default_lstm_from_the_store_runs()
    {
        using var session = Ort.Open(ModelStore.GetPath("lstm"));
        using var input = Ort.Tensor(RandomFloats(10 * 64, seed: 5), 1, 10, 64);
        using var outputs = Ort.Run(session, ("input", input));
        Assert.Equal([1L, 10L, 256L], outputs.Shape("output"));
        Ort.AssertFinite(outputs.Floats("output"));
    }

    private static float[] RunBert(InferenceSession session, long[] ids, long[] mask, long[] types)
    {
        using var idsValue = Ort.Tensor(ids, 1, ids.Length);
        using var maskValue = Ort.Tensor(mask, 1, mask.Length);
        using var typesValue = Ort.Tensor(types, 1, types.Length);
        using var outputs = Ort.Run(session, ("input_ids", idsValue), ("attention_mask", maskValue), ("token_type_ids", typesValue));
        Assert.Equal([1L, ids.Length, session.OutputMetadata["last_hidden_state"].Dimensions[2]], outputs.Shape("last_hidden_state"));
        return outputs.Floats("last_hidden_state");
    }

    /// <summary>
    /// Weights (elements of float initializers that are not scalars) and operators of a model file. Returns plain
    /// numbers so the file's bytes can be collected before ORT loads its own copy.
    /// </summary>
    private static (long Parameters, IReadOnlyList<string> OpTypes) Census(string path)
    {
        var graph = ProtobufReader.Parse(File.ReadAllBytes(path)).Message(7);
        var parameters = graph.All(5).Select(field => field.Message)
            .Where(tensor => tensor.Varint(2) == (ulong)ElementType.Float && tensor.Has(1))
            .Sum(tensor => tensor.All(1).Aggregate(1L, (product, dim) => product * dim.Int64));
        return (parameters, [.. graph.All(1).Select(node => node.Message.String(4))]);
    }

    internal static float[] RandomFloats(int count, ulong seed)
    {
        var random = new SeededRandom(seed);
        return [.. Enumerable.Range(0, count).Select(_ => random.NextFloat())];
    }
}
