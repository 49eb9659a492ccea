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
