using System.Runtime.CompilerServices;
using Aot.Generators.Tests.Infrastructure;
using Aot.Generators.Tests.Onnx;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Aot.Generators.Tests;

/// <summary>The pipeline caches: C# edits re-emit nothing, a changed model re-emits only its class, no compilation is kept.</summary>
public sealed class IncrementalityTests
{
    private static readonly InMemoryAdditionalText s_encoder = GeneratorHarness.Manifest("encoder.onnx", TestModels.MiniLmLike());
    private static readonly InMemoryAdditionalText s_classifier = GeneratorHarness.Manifest("classifier.onnx", TestModels.Ir3Classifier());

    [Fact]
    public void An_unrelated_source_edit_leaves_every_model_step_cached()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(sources: "class A { }");
        GeneratorDriver driver = GeneratorHarness.CreateDriver(new[] { s_encoder, s_classifier }).RunGenerators(compilation);

        CSharpCompilation edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class B { }", GeneratorHarness.ParseOptions));
        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertReasons(result, StepNames.ModelFiles, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Cached);
        AssertReasons(result, StepNames.Models, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Cached);
        AssertReasons(result, StepNames.DuplicateClasses, IncrementalStepRunReason.Cached);
        AssertReasons(result, StepNames.CompilationFacts, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, StepNames.EmitInputs, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Cached);
        Assert.All(result.TrackedOutputSteps.SelectMany(step => step.Value).SelectMany(run => run.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
        Assert.Equal(2, result.GeneratedSources.Length);
    }

    [Fact]
    public void A_changed_manifest_regenerates_only_its_own_class()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation();
        GeneratorDriver driver = GeneratorHarness.CreateDriver(new[] { s_encoder, s_classifier }).RunGenerators(compilation);
        string classifierBefore = Source(driver, "Consumer.Classifier.g.cs");

        OnnxModelBuilder changed = TestModels.MiniLmLike().Output("pooled", OnnxType.Tensor(Elem.Float, "batch_size", 384L));
        var newEncoder = new InMemoryAdditionalText(s_encoder.Path, GeneratorHarness.ManifestText(GeneratorHarness.ModelPath("encoder.onnx"), changed));
        driver = driver.ReplaceAdditionalText(s_encoder, newEncoder).RunGenerators(compilation);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();

        AssertReasons(result, StepNames.Models, IncrementalStepRunReason.Modified, IncrementalStepRunReason.Cached);
        AssertReasons(result, StepNames.DuplicateClasses, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, StepNames.EmitInputs, IncrementalStepRunReason.Modified, IncrementalStepRunReason.Cached);
        Assert.Contains("Pooled", Source(driver, "Consumer.Encoder.g.cs"), StringComparison.Ordinal);
        Assert.Equal(classifierBefore, Source(driver, "Consumer.Classifier.g.cs"));
    }

    [Fact]
    public void Rewriting_a_manifest_with_the_same_content_changes_nothing_downstream()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation();
        GeneratorDriver driver = GeneratorHarness.CreateDriver(new[] { s_encoder }).RunGenerators(compilation);

        var rewritten = new InMemoryAdditionalText(s_encoder.Path, s_encoder.GetText().ToString());
        GeneratorRunResult result = driver.ReplaceAdditionalText(s_encoder, rewritten).RunGenerators(compilation).GetRunResult().Results.Single();

        AssertReasons(result, StepNames.Models, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, StepNames.EmitInputs, IncrementalStepRunReason.Cached);
    }

    [Fact]
    public void An_editorconfig_change_for_one_model_renames_only_that_class()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation();
        GeneratorDriver driver = GeneratorHarness.CreateDriver(new[] { s_encoder, s_classifier }).RunGenerators(compilation);

        TestOptionsProvider options = TestOptionsProvider.WithRootNamespace("Consumer").WithFile(s_encoder.Path, "build_metadata.AdditionalFiles.AotClassName", "Embedder");
        driver = driver.WithUpdatedAnalyzerConfigOptions(options).RunGenerators(compilation);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();

        AssertReasons(result, StepNames.Models, IncrementalStepRunReason.Modified, IncrementalStepRunReason.Unchanged);
        Assert.Equal(new[] { "Consumer.Classifier.g.cs", "Consumer.Embedder.g.cs" }, result.GeneratedSources.Select(s => s.HintName).Order());
    }

    [Fact]
    public void No_old_compilation_is_kept_alive_by_the_driver()
    {
        GeneratorDriver driver = GeneratorHarness.CreateDriver(new[] { s_encoder });
        WeakReference first = RunAndForget(ref driver, "class A { }");
        _ = RunAndForget(ref driver, "class B { }");

        for (int i = 0; i < 3 && first.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(first.IsAlive, "the generator's models keep an old Compilation alive");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference RunAndForget(ref GeneratorDriver driver, string source)
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(sources: source);
        driver = driver.RunGenerators(compilation);
        return new WeakReference(compilation);
    }

    private static string Source(GeneratorDriver driver, string hintName) =>
        driver.GetRunResult().Results.Single().GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();

    private static void AssertReasons(GeneratorRunResult result, string step, params IncrementalStepRunReason[] expected)
    {
        IncrementalStepRunReason[] actual = result.TrackedSteps[step].SelectMany(run => run.Outputs).Select(o => o.Reason).ToArray();
        Assert.Equal(expected, actual);
    }
}
