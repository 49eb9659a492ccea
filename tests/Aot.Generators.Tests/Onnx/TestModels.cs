using Aot.Protocol;
namespace Aot.Generators.Tests.Onnx;

/// <summary>The models the tests share: one per shape of problem the generator must handle.</summary>
internal static class TestModels
{
    /// <summary>all-MiniLM-L6-v2's signature (BERT sentence embeddings), with one small weight.</summary>
    public static OnnxModelBuilder MiniLmLike() =>
        new OnnxModelBuilder
        {
            IrVersion = 8,
            ProducerName = "pytorch",
            ProducerVersion = "1.13.1",
            GraphName = "main_graph",
            DocString = "Sentence embeddings (MiniLM-L6, 384 dimensions).",
        }
        .ClearOpsets().Opset("", 14)
        .Initializer("embeddings.position_ids", new long[] { 1, 2 }, 0f, 1f)
        .Input("input_ids", OnnxType.Tensor(Elem.Int64, "batch_size", "sequence_length"), "Token ids from the WordPiece vocabulary.")
        .Input("attention_mask", OnnxType.Tensor(Elem.Int64, "batch_size", "sequence_length"))
        .Input("token_type_ids", OnnxType.Tensor(Elem.Int64, "batch_size", "sequence_length"))
        .Output("last_hidden_state", OnnxType.Tensor(Elem.Float, "batch_size", "sequence_length", 384L))
        .Output("924", OnnxType.Tensor(Elem.Float, "batch_size", 384L));

    /// <summary>Names that are not identifiers, collide after sanitising, or collide with generated members.</summary>
    public static OnnxModelBuilder NamingTorture() =>
        new OnnxModelBuilder { DocString = "Names <chosen> to break code generators & \"quoted\".\nSecond line." }
        .Input("input:0", OnnxType.Tensor(Elem.Float, "batch size", 3L))
        .Input("input_0", OnnxType.Tensor(Elem.Float, "batch", "class", "batch"))
        .Input("2nd-input", OnnxType.Tensor(Elem.Float, null, "2d", null))
        .Input("class", OnnxType.Tensor(Elem.Int32, "N", "n"))
        .Input("run", OnnxType.Tensor(Elem.Float, 1L))
        .Input("name", OnnxType.Tensor(Elem.String, "count"))
        .Input("", OnnxType.Tensor(Elem.Float, "values", 0L))
        .Output("half out", OnnxType.Tensor(Elem.Float, "batch", 3L), "Half of the \"sum\" <per row>.")
        .Output("half_out_shape", OnnxType.Tensor(Elem.Float, "batch"))
        .Output("naming_torture", OnnxType.Tensor(Elem.Int64))
        .Output("日本語", OnnxType.Tensor(Elem.Bool, 2L));

    /// <summary>One input and one output of every element type the typed API binds, plus a scalar and an unknown rank.</summary>
    public static OnnxModelBuilder AllElementTypes()
    {
        var model = new OnnxModelBuilder { ProducerName = "aot-tests" };
        foreach ((string name, int type) in SupportedElementTypes)
        {
            model.Input("in_" + name, OnnxType.Tensor(type, "n"));
            model.Output("out_" + name, OnnxType.Tensor(type, "n"));
        }

        return model
            .Input("scalar", OnnxType.Tensor(Elem.Float))
            .Input("any_rank", OnnxType.TensorWithoutShape(Elem.Float))
            .Output("any_rank_out", OnnxType.TensorWithoutShape(Elem.Float));
    }

    public static readonly (string Name, int Type)[] SupportedElementTypes =
    {
        ("float", Elem.Float), ("uint8", Elem.UInt8), ("int8", Elem.Int8), ("uint16", Elem.UInt16), ("int16", Elem.Int16),
        ("int32", Elem.Int32), ("int64", Elem.Int64), ("string", Elem.String), ("bool", Elem.Bool), ("float16", Elem.Float16),
        ("double", Elem.Double), ("uint32", Elem.UInt32), ("uint64", Elem.UInt64), ("bfloat16", Elem.BFloat16),
    };

    /// <summary>A batchable model for the generated batch layout: a symbol shared beyond dimension 0, fixed and unnamed dimensions, two element sizes.</summary>
    public static OnnxModelBuilder BatchLayout() =>
        new OnnxModelBuilder()
        .Input("tokens", OnnxType.Tensor(Elem.Int64, "batch", "seq"))
        .Input("features", OnnxType.Tensor(Elem.Float, "batch", "seq", 4L))
        .Input("extra", OnnxType.Tensor(Elem.Float16, "batch", null, 2L))
        .Output("y", OnnxType.Tensor(Elem.Float, "batch", 4L));

    /// <summary>A small image model: fixed dims only, inputs listed as initializers too (IR 3 style).</summary>
    public static OnnxModelBuilder Ir3Classifier() =>
        new OnnxModelBuilder { IrVersion = 3, ProducerName = "onnx-caffe2", ProducerVersion = "" }
        .ClearOpsets().Opset("", 8)
        .Initializer("conv1_w", new long[] { 2 }, 1f, 2f)
        .Initializer("conv1_b", new long[] { 1 }, 0.5f)
        .Input("data_0", OnnxType.Tensor(Elem.Float, 1L, 3L, 224L, 224L))
        .Input("conv1_w", OnnxType.Tensor(Elem.Float, 2L))
        .Input("conv1_b", OnnxType.Tensor(Elem.Float, 1L))
        .Output("softmaxout_1", OnnxType.Tensor(Elem.Float, 1L, 1000L));
}
