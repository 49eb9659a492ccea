using Aot.Generators.Consumer.Tests.Registry;
using Aot.Models;
using Aot.Runtime;
using Aot.Protocol;

namespace Aot.Generators.Consumer.Tests;

/// <summary>
/// Every usable model of the models/ layer — real ones from npm packages, generated benchmark models and the
/// edge-case fixtures — runs through its generated class and gives exactly what the untyped runner gives on the
/// same inputs.
/// </summary>
public sealed class RegistryModelTests
{
    [Fact]
    public void Silero_vad_runs_one_audio_chunk_with_its_recurrent_state()
    {
        using var vad = new SileroVad(ModelStore.GetPath("silero-vad"));
        Span<float> audio = vad.Input(1, 512);
        for (int i = 0; i < audio.Length; i++) audio[i] = MathF.Sin(i * 0.05f) * 0.3f;
        vad.State(1).Clear();
        vad.Sr()[0] = 16000;
        vad.Run();

        Assert.Equal([1L, 1], vad.OutputShape.ToArray());
        Assert.Equal([2L, 1, 128], vad.StateNShape.ToArray());
        float speech = vad.Output[0];
        Assert.InRange(speech, 0f, 1f);
        AssertSameAsUntyped(vad.Model, vad.Runner, vad.Output, 0);
    }

    [Fact]
    public void PP_OCR_detector_takes_dynamic_image_sizes()
    {
        using var detector = new PpOcrDetector(ModelStore.GetPath("ppocr-det"));
        foreach ((int height, int width) in new[] { (64, 96), (32, 64) })
        {
            Span<float> pixels = detector.X(1, height, width);
            for (int i = 0; i < pixels.Length; i++) pixels[i] = (i % 255) / 255f;
            detector.Run();
            Assert.Equal([1L, 1, height, width], detector.Sigmoid0Tmp0Shape.ToArray());
            Assert.All(detector.Sigmoid0Tmp0.ToArray(), p => Assert.InRange(p, 0f, 1f));
            AssertSameAsUntyped(detector.Model, detector.Runner, detector.Sigmoid0Tmp0, 0);
        }
    }

    [Fact]
    public void Generated_lstm_bert_and_tiny_match_the_untyped_runner()
    {
        using (var lstm = new Lstm(ModelStore.GetPath("lstm")))
        {
            Fill(lstm.Input(2, 5));
            lstm.Run();
            Assert.Equal(2, lstm.OutputShape[0]);
            Assert.Equal(5, lstm.OutputShape[1]);
            AssertSameAsUntyped(lstm.Model, lstm.Runner, lstm.Output, 0);
        }

        using (var bert = new BertTiny(ModelStore.GetPath("bert-tiny")))
        {
            Span<long> ids = bert.InputIds(2, 7);
            for (int i = 0; i < ids.Length; i++) ids[i] = 100 + i * 13;
            bert.AttentionMask(2, 7).Fill(1);
            bert.TokenTypeIds(2, 7).Clear();
            bert.Run();
            Assert.Equal(2, bert.LastHiddenStateShape[0]);
            Assert.Equal(7, bert.LastHiddenStateShape[1]);
            AssertSameAsUntyped(bert.Model, bert.Runner, bert.LastHiddenState, 0);
        }

        using (var tiny = new Tiny(ModelStore.GetPath("tiny")))
        {
            Fill(tiny.X(3));
            tiny.Run();
            Assert.Equal([3L, 16], tiny.YShape.ToArray());
            AssertSameAsUntyped(tiny.Model, tiny.Runner, tiny.Y, 0);
        }
    }

    [Fact]
    public void Fixtures_with_external_data_ir3_initializers_and_doc_strings_run()
    {
        using (var external = new ExternalData(Aot.Models.Fixtures.GetPath("external-data")))
        {
            Fill(external.X(2));
            external.Run();
            AssertSameAsUntyped(external.Model, external.Runner, external.Y, 0);
        }

        using (var ir3 = new Ir3InitializerInputs(Aot.Models.Fixtures.GetPath("ir3-initializer-inputs")))
        {
            Assert.Single(Ir3InitializerInputs.InputSpecs); // the initializer listed as a graph input is not an input
            Fill(ir3.X());
            ir3.Run();
            AssertSameAsUntyped(ir3.Model, ir3.Runner, ir3.Y, 0);
        }

        using (var documented = new Documented(Aot.Models.Fixtures.GetPath("documented")))
        {
            Fill(documented.Features(4));
            documented.Run();
            AssertSameAsUntyped(documented.Model, documented.Runner, documented.Scores, 0);
        }
    }

    [Fact]
    public void Identity_fixtures_round_trip_every_element_type()
    {
        RoundTrip(new IdentityFloat(Aot.Models.Fixtures.GetPath("identity-float")), m => m.X(1), m => m.Y, m => m.Run(), [1.5f, -2f, 0f]);
        RoundTrip(new IdentityDouble(Aot.Models.Fixtures.GetPath("identity-double")), m => m.X(1), m => m.Y, m => m.Run(), [1.5, -2, 0]);
        RoundTrip(new IdentityFloat16(Aot.Models.Fixtures.GetPath("identity-float16")), m => m.X(1), m => m.Y, m => m.Run(), [(Half)1.5f, (Half)(-2f), Half.MaxValue]);
        RoundTrip(new IdentityBfloat16(Aot.Models.Fixtures.GetPath("identity-bfloat16")), m => m.X(1), m => m.Y, m => m.Run(), [(BFloat16)1.5f, (BFloat16)(-2f), (BFloat16)0f]);
        RoundTrip(new IdentityInt8(Aot.Models.Fixtures.GetPath("identity-int8")), m => m.X(1), m => m.Y, m => m.Run(), new sbyte[] { -128, 127, 0 });
        RoundTrip(new IdentityUint8(Aot.Models.Fixtures.GetPath("identity-uint8")), m => m.X(1), m => m.Y, m => m.Run(), new byte[] { 0, 255, 1 });
        RoundTrip(new IdentityInt16(Aot.Models.Fixtures.GetPath("identity-int16")), m => m.X(1), m => m.Y, m => m.Run(), new short[] { short.MinValue, 7, 0 });
        RoundTrip(new IdentityUint16(Aot.Models.Fixtures.GetPath("identity-uint16")), m => m.X(1), m => m.Y, m => m.Run(), new ushort[] { ushort.MaxValue, 7, 0 });
        RoundTrip(new IdentityInt32(Aot.Models.Fixtures.GetPath("identity-int32")), m => m.X(1), m => m.Y, m => m.Run(), [int.MinValue, 7, 0]);
        RoundTrip(new IdentityUint32(Aot.Models.Fixtures.GetPath("identity-uint32")), m => m.X(1), m => m.Y, m => m.Run(), [uint.MaxValue, 7u, 0u]);
        RoundTrip(new IdentityInt64(Aot.Models.Fixtures.GetPath("identity-int64")), m => m.X(1), m => m.Y, m => m.Run(), [long.MinValue, 7L, 0L]);
        RoundTrip(new IdentityUint64(Aot.Models.Fixtures.GetPath("identity-uint64")), m => m.X(1), m => m.Y, m => m.Run(), [ulong.MaxValue, 7UL, 0UL]);
        RoundTrip(new IdentityBool(Aot.Models.Fixtures.GetPath("identity-bool")), m => m.X(1), m => m.Y, m => m.Run(), [true, false, true]);

        using var strings = new IdentityString(Aot.Models.Fixtures.GetPath("identity-string"));
        strings.SetX(["naïve", "日本語", ""], 1);
        strings.Run();
        Assert.Equal(["naïve", "日本語", ""], strings.GetY());
    }

    /// <summary>One row of three values in, the same row out: input shape [1, 3].</summary>
    private static void RoundTrip<TModel, T>(TModel model, SpanGetter<TModel, T> input, ReadOnlySpanGetter<TModel, T> output, Action<TModel> run, T[] values)
        where TModel : IDisposable
        where T : unmanaged
    {
        using (model)
        {
            values.CopyTo(input(model));
            run(model);
            Assert.Equal(values, output(model).ToArray());
        }
    }

    private delegate Span<T> SpanGetter<TModel, T>(TModel model);

    private delegate ReadOnlySpan<T> ReadOnlySpanGetter<TModel, T>(TModel model);

    private static void Fill(Span<float> values)
    {
        for (int i = 0; i < values.Length; i++) values[i] = ((i * 7) % 19) / 19f - 0.5f;
    }

    /// <summary>Copies the typed instance's inputs into a plain runner on the same model and compares an output.</summary>
    private static void AssertSameAsUntyped(OnnxModel model, ModelRunner typedRunner, ReadOnlySpan<float> typedOutput, int outputIndex)
    {
        using ModelRunner runner = model.CreateRunner();
        for (int i = 0; i < model.Metadata.Inputs.Count; i++)
        {
            ReadOnlySpan<long> shape = typedRunner.GetInputShape(i);
            typedRunner.GetInputBytes(i, shape).CopyTo(runner.GetInputBytes(i, shape));
        }

        runner.Run();
        Assert.Equal(runner.GetOutput<float>(outputIndex).ToArray(), typedOutput.ToArray());
    }
}
