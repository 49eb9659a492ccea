using Aot.Generators.Tests.Infrastructure;
using Aot.Generators.Tests.Onnx;
using Microsoft.CodeAnalysis;

namespace Aot.Generators.Tests;

/// <summary>The emitted code for representative models, checked against reviewed baselines and compiled against Aot.Runtime.</summary>
public sealed class SnapshotTests
{
    [Fact]
    public void MiniLm_like_model() => VerifyModel("all-MiniLM-L6-v2.onnx", TestModels.MiniLmLike(), "AllMiniLmL6V2");

    [Fact]
    public void Names_that_are_not_identifiers_or_collide() => VerifyModel("naming-torture.onnx", TestModels.NamingTorture(), "NamingTorture");

    [Fact]
    public void Every_supported_element_type_scalars_and_unknown_rank() => VerifyModel("all-types.onnx", TestModels.AllElementTypes(), "AllTypes");

    [Fact]
    public void Ir3_model_with_inputs_listed_as_initializers() => VerifyModel("squeezenet1.0-3.onnx", TestModels.Ir3Classifier(), "Squeezenet1_0_3");

    [Fact]
    public void MiniLm_like_model_served_with_typed_client_and_embedded()
    {
        InMemoryAdditionalText manifest = GeneratorHarness.Manifest("all-MiniLM-L6-v2.onnx", TestModels.MiniLmLike());
        TestOptionsProvider options = TestOptionsProvider.WithRootNamespace("Consumer")
            .WithFile(manifest.Path, "build_metadata.AdditionalFiles.AotServe", "true")
            .WithFile(manifest.Path, "build_metadata.AdditionalFiles.AotClient", "True")
            .WithFile(manifest.Path, "build_metadata.AdditionalFiles.AotServeName", "minilm")
            .WithFile(manifest.Path, "build_metadata.AdditionalFiles.AotEmbeddedResource", "Aot.Models.all-MiniLM-L6-v2.0badc0de.onnx");

        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(new[] { manifest }, options);

        Assert.Empty(result.Diagnostics);
        Baseline.Verify("AllMiniLmL6V2.Served", Assert.Single(result.GeneratedSources).SourceText.ToString());
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
        Assert.NotNull(output.GetTypeByMetadataName("Consumer.AllMiniLmL6V2+Serving"));
        Assert.NotNull(output.GetTypeByMetadataName("Consumer.AllMiniLmL6V2+Client"));
    }

    [Fact]
    public void Every_element_type_served_and_with_a_client_compiles_cleanly()
    {
        // Scalars, unknown ranks, every element type (strings included: they get the adapter but no client, AOT0013).
        InMemoryAdditionalText manifest = GeneratorHarness.Manifest("all-types.onnx", TestModels.AllElementTypes());
        TestOptionsProvider options = TestOptionsProvider.WithRootNamespace("Consumer")
            .WithFile(manifest.Path, "build_metadata.AdditionalFiles.AotServe", "true")
            .WithFile(manifest.Path, "build_metadata.AdditionalFiles.AotClient", "true");

        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(new[] { manifest }, options);

        Assert.Equal(new[] { "AOT0013" }, result.Diagnostics.Select(d => d.Id));
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
        Assert.NotNull(output.GetTypeByMetadataName("Consumer.AllTypes+Serving"));
        Assert.Null(output.GetTypeByMetadataName("Consumer.AllTypes+Client"));
    }

    [Theory]
    [InlineData("naming-torture.onnx")]
    [InlineData("squeezenet1.0-3.onnx")]
    public void Odd_names_and_fixed_shapes_served_and_with_a_client_compile_cleanly(string fileName)
    {
        InMemoryAdditionalText manifest = GeneratorHarness.Manifest(fileName, fileName.StartsWith("naming", StringComparison.Ordinal) ? TestModels.NamingTorture() : TestModels.Ir3Classifier());
        TestOptionsProvider options = TestOptionsProvider.WithRootNamespace("Consumer")
            .WithFile(manifest.Path, "build_metadata.AdditionalFiles.AotServe", "true")
            .WithFile(manifest.Path, "build_metadata.AdditionalFiles.AotClient", "true")
            .WithFile(manifest.Path, "build_metadata.AdditionalFiles.AotServeName", "model");

        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(new[] { manifest }, options);

        Assert.Empty(result.Diagnostics.Where(d => d.Id != "AOT0013"));
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
    }

    [Fact]
    public void AotServerEntryPoint_generates_a_Main_serving_every_AotServe_model()
    {
        InMemoryAdditionalText minilm = GeneratorHarness.Manifest("all-MiniLM-L6-v2.onnx", TestModels.MiniLmLike());
        InMemoryAdditionalText squeezenet = GeneratorHarness.Manifest("squeezenet1.0-3.onnx", TestModels.Ir3Classifier());
        InMemoryAdditionalText notServed = GeneratorHarness.Manifest("naming-torture.onnx", TestModels.NamingTorture());
        TestOptionsProvider options = TestOptionsProvider.WithRootNamespace("Consumer")
            .With(("build_property.AotServerEntryPoint", "true"))
            .WithFile(minilm.Path, "build_metadata.AdditionalFiles.AotServe", "true")
            .WithFile(squeezenet.Path, "build_metadata.AdditionalFiles.AotServe", "true");

        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(new[] { squeezenet, notServed, minilm }, options);

        Assert.Empty(result.Diagnostics);
        GeneratedSourceResult program = Assert.Single(result.GeneratedSources, s => s.HintName == "AotServerProgram.g.cs");
        Baseline.Verify("AotServerProgram", program.SourceText.ToString());
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
        Assert.NotNull(output.GetTypeByMetadataName("Consumer.AotServerProgram"));
    }

    [Fact]
    public void AotServerEntryPoint_without_served_models_is_AOT0014()
    {
        InMemoryAdditionalText minilm = GeneratorHarness.Manifest("all-MiniLM-L6-v2.onnx", TestModels.MiniLmLike());
        TestOptionsProvider options = TestOptionsProvider.WithRootNamespace("Consumer").With(("build_property.AotServerEntryPoint", "true"));

        (GeneratorRunResult result, _) = GeneratorHarness.Run(new[] { minilm }, options);

        Diagnostic diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("AOT0014", diagnostic.Id);
        Assert.Equal(
            "AotServerEntryPoint is true but no ONNX model has AotServe=\"true\" (or Aot.Server.Hosting is not referenced); no entry point is generated",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain(result.GeneratedSources, s => s.HintName == "AotServerProgram.g.cs");
    }

    [Theory]
    [InlineData("model.onnx", "ModelClass")]
    [InlineData("runner.onnx", "RunnerClass")]
    [InlineData("inputs.onnx", "InputsClass")]
    public void A_file_named_like_a_member_of_the_class_gets_a_suffix(string fileName, string className)
    {
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(new[] { GeneratorHarness.Manifest(fileName, TestModels.MiniLmLike()) });

        Assert.Empty(result.Diagnostics);
        Assert.NotNull(output.GetTypeByMetadataName("Consumer." + className));
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
    }

    [Fact]
    public void ClassName_and_Namespace_metadata_override_the_defaults()
    {
        InMemoryAdditionalText manifest = GeneratorHarness.Manifest("all-MiniLM-L6-v2.onnx", TestModels.MiniLmLike());
        TestOptionsProvider options = TestOptionsProvider.WithRootNamespace("Consumer")
            .WithFile(manifest.Path, "build_metadata.AdditionalFiles.AotClassName", "SentenceEncoder")
            .WithFile(manifest.Path, "build_metadata.AdditionalFiles.AotNamespace", "Consumer.Embeddings");

        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(new[] { manifest }, options);

        GeneratedSourceResult source = Assert.Single(result.GeneratedSources);
        Assert.Equal("Consumer.Embeddings.SentenceEncoder.g.cs", source.HintName);
        Assert.NotNull(output.GetTypeByMetadataName("Consumer.Embeddings.SentenceEncoder"));
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
    }

    [Fact]
    public void No_root_namespace_puts_the_class_in_the_global_namespace()
    {
        InMemoryAdditionalText manifest = GeneratorHarness.Manifest("tiny.onnx",
            new OnnxModelBuilder().Input("x", OnnxType.Tensor(Elem.Float, 1L)).Output("y", OnnxType.Tensor(Elem.Float, 1L)));

        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(new[] { manifest }, TestOptionsProvider.Empty);

        Baseline.Verify("Tiny", Assert.Single(result.GeneratedSources).SourceText.ToString());
        Assert.NotNull(output.GetTypeByMetadataName("Tiny"));
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
    }

    [Theory]
    [InlineData("batch-layout.onnx", "BatchLayout")]
    [InlineData("squeezenet1.0-3.onnx", "Squeezenet1_0_3")]
    public void Served_models_lay_batches_out_with_straight_line_code(string fileName, string className)
    {
        // Batchable (rows along dimension 0, a shared symbol read once, fixed and unnamed dimensions in the row size),
        // and fixed-shape (one request per batch, its own shape).
        InMemoryAdditionalText manifest = GeneratorHarness.Manifest(fileName, className == "BatchLayout" ? TestModels.BatchLayout() : TestModels.Ir3Classifier());
        TestOptionsProvider options = TestOptionsProvider.WithRootNamespace("Consumer").WithFile(manifest.Path, "build_metadata.AdditionalFiles.AotServe", "true");

        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(new[] { manifest }, options);

        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
        Baseline.Verify(className + ".TryFillInputs", Method(Assert.Single(result.GeneratedSources).SourceText.ToString(), "protected override bool TryFillInputs("));
    }

    [Theory]
    [InlineData("all-types.onnx")]
    [InlineData("naming-torture.onnx")]
    public void String_inputs_unknown_ranks_and_a_symbol_on_two_axes_leave_batches_to_the_server(string fileName)
    {
        // all-types: string input, scalar and unknown rank; naming-torture: string input and [batch, class, batch].
        InMemoryAdditionalText manifest = GeneratorHarness.Manifest(fileName, fileName == "all-types.onnx" ? TestModels.AllElementTypes() : TestModels.NamingTorture());
        TestOptionsProvider options = TestOptionsProvider.WithRootNamespace("Consumer").WithFile(manifest.Path, "build_metadata.AdditionalFiles.AotServe", "true");

        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(new[] { manifest }, options);

        Assert.Empty(GeneratorHarness.CompilerProblems(output));
        string source = Assert.Single(result.GeneratedSources).SourceText.ToString();
        Assert.Contains("public sealed class Serving", source, StringComparison.Ordinal);
        Assert.DoesNotContain("TryFillInputs", source, StringComparison.Ordinal);
    }

    /// <summary>The member starting with <paramref name="signature"/>, up to its closing brace, unindented.</summary>
    private static string Method(string source, string signature)
    {
        string[] lines = source.Split('\n');
        int start = Array.FindIndex(lines, l => l.TrimStart().StartsWith(signature, StringComparison.Ordinal));
        Assert.True(start >= 0, "No member starting with " + signature);
        string indent = lines[start][..(lines[start].Length - lines[start].TrimStart().Length)];
        int end = Array.FindIndex(lines, start + 1, l => l == indent + "}");
        return string.Join("\n", lines[start..(end + 1)].Select(l => l.StartsWith(indent, StringComparison.Ordinal) ? l[indent.Length..] : l)) + "\n";
    }

    private static void VerifyModel(string fileName, OnnxModelBuilder model, string className)
    {
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(new[] { GeneratorHarness.Manifest(fileName, model) });

        Assert.Empty(result.Diagnostics);
        GeneratedSourceResult source = Assert.Single(result.GeneratedSources);
        Assert.Equal("Consumer." + className + ".g.cs", source.HintName);
        Baseline.Verify(className, source.SourceText.ToString());

        // The generated code compiles against the real Aot.Runtime with no warning, XML docs included.
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
        Assert.NotNull(output.GetTypeByMetadataName("Consumer." + className));
    }
}
