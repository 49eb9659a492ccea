using Aot.Generators.Naming;

namespace Aot.Generators.Tests;

/// <summary>Identifiers from ONNX names: valid, deterministic, readable.</summary>
public sealed class NamingTests
{
    [Theory]
    [InlineData("all-MiniLM-L6-v2", "AllMiniLmL6V2")]
    [InlineData("input_ids", "InputIds")]
    [InlineData("last_hidden_state", "LastHiddenState")]
    [InlineData("input:0", "Input0")]
    [InlineData("2nd-input", "Input2ndInput")]
    [InlineData("924", "Input924")]
    [InlineData("class", "Class")]
    [InlineData("half out", "HalfOut")]
    [InlineData("onnx::Gather_0", "OnnxGather0")]
    [InlineData("HTTPServer", "HttpServer")]
    [InlineData("ResNet50", "ResNet50")]
    [InlineData("squeezenet1.0-3", "Squeezenet1_0_3")]
    [InlineData("x", "X")]
    [InlineData("日本語", "日本語")]
    [InlineData("élan vital", "ÉlanVital")]
    [InlineData("", "Fallback")]
    [InlineData(":::", "Fallback")]
    [InlineData("²³", "Fallback")]
    public void PascalCase(string name, string expected) =>
        Assert.Equal(expected, IdentifierNames.ToPascalCase(name, "Input", "Fallback"));

    [Theory]
    [InlineData("batch_size", "batchSize")]
    [InlineData("sequence", "sequence")]
    [InlineData("N", "n")]
    [InlineData("class", "@class")]
    [InlineData("int", "@int")]
    [InlineData("2d", "dim2d")]
    [InlineData("batch size", "batchSize")]
    [InlineData("unk__123", "unk123")]
    [InlineData("", "dim3")]
    public void CamelCase(string name, string expected) =>
        Assert.Equal(expected, IdentifierNames.ToCamelCase(name, "dim", "dim3"));

    [Fact]
    public void Member_names_avoid_reserved_names_and_each_other_in_order()
    {
        var names = new MemberNameTable(new[] { "Run", "Model", "XShape" });

        Assert.Equal("RunInput", names.Allocate("Run", "Input", "{0}"));
        Assert.Equal("Input0", names.Allocate("Input0", "Input", "{0}"));
        Assert.Equal("Input0_2", names.Allocate("Input0", "Input", "{0}"));
        Assert.Equal("Input0_3", names.Allocate("Input0", "Input", "{0}"));
        Assert.Equal("XOutput", names.Allocate("X", "Output", "{0}", "{0}Shape"));
        Assert.Equal("Y", names.Allocate("Y", "Output", "{0}", "{0}Shape"));
        Assert.Equal("YShape_2", names.Allocate("YShape", "Output", "{0}", "{0}Shape"));
    }
}
