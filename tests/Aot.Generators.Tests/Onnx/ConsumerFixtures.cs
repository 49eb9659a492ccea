namespace Aot.Generators.Tests.Onnx;

/// <summary>
/// Small runnable models for tests/Aot.Generators.Consumer.Tests, which builds typed classes from them with the
/// real build targets and runs them with ONNX Runtime. Committed as files (a few hundred bytes each) because the
/// consumer needs them before anything runs; <see cref="ConsumerFixtureTests"/> keeps them equal to these recipes.
/// </summary>
internal static class ConsumerFixtures
{
    public static IReadOnlyDictionary<string, OnnxModelBuilder> All { get; } = new Dictionary<string, OnnxModelBuilder>
    {
        ["odd-names.onnx"] = OddNames(),
        ["all-types.onnx"] = AllTypes(),
        ["dims.onnx"] = Dims(),
    };

    /// <summary>Names that are not identifiers; <c>half out</c> = (a + b) / 2, <c>class</c> = argmax per row of a + b.</summary>
    private static OnnxModelBuilder OddNames() =>
        new OnnxModelBuilder { DocString = "Averages two rows and picks the larger column." }
        .Initializer("half", new long[] { 1 }, 0.5f)
        .Node("Add", new[] { "input:0", "2nd-input" }, new[] { "sum" })
        .Node("Mul", new[] { "sum", "half" }, new[] { "half out" })
        .Node("ArgMax", new[] { "sum" }, new[] { "class" }, n =>
        {
            OnnxModelBuilder.IntAttribute("axis", 1)(n);
            OnnxModelBuilder.IntAttribute("keepdims", 0)(n);
        })
        .Input("input:0", OnnxType.Tensor(Elem.Float, "batch", 3L), "First addend.")
        .Input("2nd-input", OnnxType.Tensor(Elem.Float, "batch", 3L))
        .Output("half out", OnnxType.Tensor(Elem.Float, "batch", 3L))
        .Output("class", OnnxType.Tensor(Elem.Int64, "batch"));

    /// <summary>Identity for every element type the typed API binds, and for a scalar.</summary>
    private static OnnxModelBuilder AllTypes()
    {
        var model = new OnnxModelBuilder();
        foreach ((string name, int type) in TestModels.SupportedElementTypes)
        {
            model.Node("Identity", new[] { "in_" + name }, new[] { "out_" + name });
            model.Input("in_" + name, OnnxType.Tensor(type, "n"));
            model.Output("out_" + name, OnnxType.Tensor(type, "n"));
        }

        return model
            .Node("Identity", new[] { "scalar" }, new[] { "scalar_out" })
            .Input("scalar", OnnxType.Tensor(Elem.Float))
            .Output("scalar_out", OnnxType.Tensor(Elem.Float));
    }

    /// <summary>Fixed, repeated-symbol and unnamed dimensions.</summary>
    private static OnnxModelBuilder Dims() =>
        new OnnxModelBuilder()
        .Node("Identity", new[] { "image" }, new[] { "image_out" })
        .Node("Identity", new[] { "square" }, new[] { "square_out" })
        .Node("Identity", new[] { "ragged" }, new[] { "ragged_out" })
        .Input("image", OnnxType.Tensor(Elem.UInt8, 1L, 3L, 2L, 2L))
        .Input("square", OnnxType.Tensor(Elem.Float, "n", "n"))
        .Input("ragged", OnnxType.Tensor(Elem.Int32, "rows", null))
        .Output("image_out", OnnxType.Tensor(Elem.UInt8, 1L, 3L, 2L, 2L))
        .Output("square_out", OnnxType.Tensor(Elem.Float, "n", "n"))
        .Output("ragged_out", OnnxType.Tensor(Elem.Int32, "rows", null));
}
