using Aot.Runtime;
using Aot.Protocol;

namespace Aot.Generators.Consumer.Tests;

/// <summary>A model whose names are not identifiers, run through its generated class.</summary>
public sealed class OddNamesTests
{
    [Fact]
    public void Runs_with_sanitised_members_and_original_names_kept()
    {
        using var model = new OddNames(FixtureModels.Path("odd-names.onnx"));

        float[] a = { 1, 5, 3, 0, -2, 4 };
        float[] b = { 1, 1, 1, 9, 0, 0 };
        a.CopyTo(model.Input0(batch: 2));
        b.CopyTo(model.Input2ndInput(batch: 2));
        model.Run();

        Assert.Equal(new float[] { 1, 3, 2, 4.5f, -1, 2 }, model.HalfOut.ToArray());
        Assert.Equal(new long[] { 2, 3 }, model.HalfOutShape.ToArray());
        Assert.Equal(new long[] { 1, 0 }, model.Class.ToArray());
        Assert.Equal(new long[] { 2 }, model.ClassShape.ToArray());
    }

    [Fact]
    public void Constants_carry_the_onnx_names_types_and_shapes()
    {
        Assert.Equal("input:0", OddNames.Inputs.Input0.Name);
        Assert.True(OddNames.Inputs.Input2ndInput.NameUtf8.SequenceEqual("2nd-input"u8));
        Assert.Equal("half out", OddNames.Outputs.HalfOut.Name);
        Assert.Equal(ElementType.Int64, OddNames.Outputs.Class.ElementType);
        Assert.Equal(1, OddNames.Outputs.Class.Index);
        Assert.Equal(new long[] { -1, 3 }, OddNames.Inputs.Input0.Dims.ToArray());
        Assert.Equal(2, OddNames.Inputs.Input0.Rank);
        Assert.Equal(new[] { "input:0", "2nd-input" }, OddNames.InputSpecs.Select(s => s.Name));
        Assert.Equal(new string?[] { "batch", null }, OddNames.InputSpecs[0].Symbols);
    }

    [Fact]
    public void Many_instances_share_one_model_which_they_do_not_dispose()
    {
        using OnnxModel shared = OnnxModel.Load(FixtureModels.Path("odd-names.onnx"));
        using (var first = new OddNames(shared))
        using (var second = new OddNames(shared))
        {
            first.Input0(1).Fill(2);
            first.Input2ndInput(1).Fill(4);
            second.Input0(1).Fill(10);
            second.Input2ndInput(1).Fill(20);
            first.Run();
            second.Run();
            Assert.Equal(3, first.HalfOut[0]);
            Assert.Equal(15, second.HalfOut[0]);
            Assert.Same(shared, first.Model);
        }

        // Still usable: the instances did not own it.
        using var third = new OddNames(shared);
        third.Input0(1).Clear();
        third.Input2ndInput(1).Clear();
        third.Run();
        Assert.Equal(0, third.HalfOut[0]);
    }

    [Fact]
    public void Another_model_is_refused_with_every_difference_listed()
    {
        ModelSignatureMismatchException error = Assert.Throws<ModelSignatureMismatchException>(
            () => new OddNames(FixtureModels.Path("dims.onnx")));

        Assert.Contains(error.Differences, d => d.Contains("'input:0' is missing", StringComparison.Ordinal));
        Assert.Contains(error.Differences, d => d.Contains("'image'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_file_is_a_load_error_naming_it()
    {
        string path = FixtureModels.Path("missing.onnx");

        ModelLoadException error = Assert.Throws<ModelLoadException>(() => new OddNames(path));

        Assert.Equal(path, error.ModelSource);
    }

    [Fact]
    public void Dispose_is_idempotent()
    {
        var model = new OddNames(FixtureModels.Path("odd-names.onnx"));
        model.Dispose();
        model.Dispose();
    }
}
