using System.Globalization;
using Aot.Generators.Onnx;
using Aot.Generators.Tests.Infrastructure;
using Aot.Generators.Tests.Onnx;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Aot.Generators.Tests;

/// <summary>Every diagnostic: exact id, severity, message and location (the model file), and no generator crash.</summary>
public sealed class DiagnosticsTests
{
    private static readonly string s_model = GeneratorHarness.ModelPath("model.onnx");

    [Fact]
    public void AOT0001_an_unreadable_model_is_an_error_naming_its_path()
    {
        var manifest = new InMemoryAdditionalText("/project/obj/aot/model.1.aotmanifest",
            OnnxManifest.WriteError(s_model, "unexpected end of file at offset 12 while reading data (the file is truncated or corrupt)"));

        Diagnostic diagnostic = SingleDiagnostic(manifest);

        AssertDiagnostic(diagnostic, "AOT0001", DiagnosticSeverity.Error, s_model,
            $"The ONNX model '{s_model}' could not be read: unexpected end of file at offset 12 while reading data (the file is truncated or corrupt)");
    }

    [Theory]
    [InlineData("seq(tensor(float))")]
    [InlineData("map(int64,tensor(float))")]
    [InlineData("optional(tensor(float))")]
    [InlineData("sparse_tensor(float)")]
    [InlineData("tensor(float8e4m3fn)")]
    [InlineData("tensor(float8e5m2fnuz)")]
    [InlineData("tensor(int4)")]
    [InlineData("tensor(uint4)")]
    [InlineData("tensor(complex64)")]
    [InlineData("tensor(complex128)")]
    [InlineData("tensor(undefined)")]
    [InlineData("value with no type")]
    public void AOT0002_an_unsupported_input_is_a_warning_and_no_class(string type)
    {
        OnnxModelBuilder model = new OnnxModelBuilder()
            .Input("ok", OnnxType.Tensor(Elem.Float, 1L))
            .Input("odd input", TypeFor(type))
            .Output("y", OnnxType.Tensor(Elem.Float, 1L));

        (GeneratorRunResult result, _) = GeneratorHarness.Run(new[] { GeneratorHarness.Manifest("model.onnx", model) });

        Assert.Empty(result.GeneratedSources);
        AssertDiagnostic(Assert.Single(result.Diagnostics), "AOT0002", DiagnosticSeverity.Warning, s_model,
            $"The input 'odd input' of the ONNX model '{s_model}' is a {type}, which the typed API does not support; no class is generated for this model (use Aot.Runtime.OnnxModel and ModelRunner directly)");
    }

    [Fact]
    public void AOT0002_is_reported_for_every_unsupported_output_too()
    {
        OnnxModelBuilder model = new OnnxModelBuilder()
            .Input("x", OnnxType.Tensor(Elem.Float, 1L))
            .Output("label", OnnxType.Tensor(Elem.Int64, 1L))
            .Output("probabilities", OnnxType.Sequence(OnnxType.Map(Elem.Int64, OnnxType.Tensor(Elem.Float))))
            .Output("fp8", OnnxType.Tensor(Elem.Float8E4M3FN, 1L));

        (GeneratorRunResult result, _) = GeneratorHarness.Run(new[] { GeneratorHarness.Manifest("model.onnx", model) });

        Assert.Empty(result.GeneratedSources);
        Assert.Equal(
            new[] { "output 'probabilities' of the ONNX model '" + s_model + "' is a seq(map(int64,tensor(float)))", "output 'fp8' of the ONNX model '" + s_model + "' is a tensor(float8e4m3fn)" },
            result.Diagnostics.Select(d => d.GetMessage(CultureInfo.InvariantCulture)["The ".Length..d.GetMessage(CultureInfo.InvariantCulture).IndexOf(", which", StringComparison.Ordinal)]));
    }

    [Fact]
    public void AOT0003_an_unreadable_manifest_is_an_error_naming_the_manifest()
    {
        var manifest = new InMemoryAdditionalText("/project/obj/aot/model.1.aotmanifest", "aot-onnx-manifest\t99\n");

        AssertDiagnostic(SingleDiagnostic(manifest), "AOT0003", DiagnosticSeverity.Error, manifest.Path,
            "The ONNX manifest '/project/obj/aot/model.1.aotmanifest' could not be read: manifest format 99 is not the one this generator reads (1); rebuild so the manifests are written again");
    }

    [Theory]
    [InlineData("class")]
    [InlineData("My-Model")]
    [InlineData("2Fast")]
    public void AOT0004_an_invalid_ClassName(string className)
    {
        InMemoryAdditionalText manifest = GeneratorHarness.Manifest("model.onnx", TestModels.MiniLmLike());
        TestOptionsProvider options = TestOptionsProvider.WithRootNamespace("Consumer").WithFile(manifest.Path, "build_metadata.AdditionalFiles.AotClassName", className);

        AssertDiagnostic(SingleDiagnostic(manifest, options), "AOT0004", DiagnosticSeverity.Error, s_model,
            $"'{className}' is not a valid C# class name (ClassName of the ONNX model '{s_model}')");
    }

    [Theory]
    [InlineData("My..App")]
    [InlineData("My.class")]
    [InlineData("My-App")]
    public void AOT0005_an_invalid_Namespace(string @namespace)
    {
        InMemoryAdditionalText manifest = GeneratorHarness.Manifest("model.onnx", TestModels.MiniLmLike());
        TestOptionsProvider options = TestOptionsProvider.WithRootNamespace("Consumer").WithFile(manifest.Path, "build_metadata.AdditionalFiles.AotNamespace", @namespace);

        AssertDiagnostic(SingleDiagnostic(manifest, options), "AOT0005", DiagnosticSeverity.Error, s_model,
            $"'{@namespace}' is not a valid C# namespace (Namespace, or the project's RootNamespace, for the ONNX model '{s_model}')");
    }

    [Fact]
    public void AOT0006_two_models_with_one_class_name_both_report_and_neither_is_emitted()
    {
        var first = new InMemoryAdditionalText("/project/obj/aot/a.1.aotmanifest", GeneratorHarness.ManifestText("/project/a/encoder.onnx", TestModels.MiniLmLike()));
        var second = new InMemoryAdditionalText("/project/obj/aot/b.2.aotmanifest", GeneratorHarness.ManifestText("/project/b/encoder.onnx", TestModels.MiniLmLike()));
        var third = GeneratorHarness.Manifest("other.onnx", TestModels.MiniLmLike());

        (GeneratorRunResult result, _) = GeneratorHarness.Run(new[] { first, second, third });

        Assert.Equal("Consumer.Other.g.cs", Assert.Single(result.GeneratedSources).HintName);
        Assert.Equal(2, result.Diagnostics.Length);
        AssertDiagnostic(result.Diagnostics[0], "AOT0006", DiagnosticSeverity.Error, "/project/a/encoder.onnx",
            "The class 'Consumer.Encoder' for the ONNX model '/project/a/encoder.onnx' is also generated for '/project/b/encoder.onnx'; set a different ClassName or Namespace on one of them");
        AssertDiagnostic(result.Diagnostics[1], "AOT0006", DiagnosticSeverity.Error, "/project/b/encoder.onnx",
            "The class 'Consumer.Encoder' for the ONNX model '/project/b/encoder.onnx' is also generated for '/project/a/encoder.onnx'; set a different ClassName or Namespace on one of them");
    }

    [Fact]
    public void AOT0007_a_raw_onnx_file_is_never_read_as_text()
    {
        var model = new BinaryAdditionalText("/project/models/model.onnx");

        AssertDiagnostic(SingleDiagnostic(model), "AOT0007", DiagnosticSeverity.Error, "/project/models/model.onnx",
            "The ONNX model '/project/models/model.onnx' reached the compiler as an AdditionalFile without its manifest: the Aot build targets were not imported (reference the Aot.Runtime package; in this repository, import generators/Aot.Generators.InRepo.targets)");
    }

    [Fact]
    public void AOT0008_without_Aot_Runtime()
    {
        (GeneratorRunResult result, _) = GeneratorHarness.Run(new[] { GeneratorHarness.Manifest("model.onnx", TestModels.MiniLmLike()) }, withRuntime: false);

        Assert.Empty(result.GeneratedSources);
        AssertDiagnostic(Assert.Single(result.Diagnostics), "AOT0008", DiagnosticSeverity.Error, s_model,
            $"The class for the ONNX model '{s_model}' needs the Aot.Runtime library; add a reference to it");
    }

    [Fact]
    public void AOT0009_below_CSharp_11()
    {
        (GeneratorRunResult result, _) = GeneratorHarness.Run(
            new[] { GeneratorHarness.Manifest("model.onnx", TestModels.MiniLmLike()) }, languageVersion: LanguageVersion.CSharp10);

        Assert.Empty(result.GeneratedSources);
        AssertDiagnostic(Assert.Single(result.Diagnostics), "AOT0009", DiagnosticSeverity.Error, s_model,
            $"The class for the ONNX model '{s_model}' needs C# 11 or later (UTF-8 literals, scoped parameters); this project uses C# 10.0");
    }

    [Fact]
    public void Other_additional_files_are_ignored_and_never_read()
    {
        var text = new InMemoryAdditionalText("/project/readme.md", "# hello");

        (GeneratorRunResult result, _) = GeneratorHarness.Run(new[] { text });

        Assert.Empty(result.GeneratedSources);
        Assert.Empty(result.Diagnostics);
        Assert.Equal(0, text.GetTextCalls);
    }

    [Fact]
    public void Descriptor_ids_are_unique_and_consecutive()
    {
        string[] ids = typeof(DiagnosticDescriptors).GetFields()
            .Select(f => ((DiagnosticDescriptor)f.GetValue(null)!).Id)
            .ToArray();

        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.Equal(Enumerable.Range(1, ids.Length).Select(i => $"AOT{i:0000}"), ids.Order());
    }

    [Fact]
    public void AOT0010_AotServe_without_Aot_Server_Hosting()
    {
        InMemoryAdditionalText manifest = GeneratorHarness.Manifest("model.onnx", TestModels.MiniLmLike());
        TestOptionsProvider options = TestOptionsProvider.WithRootNamespace("Consumer").WithFile(manifest.Path, "build_metadata.AdditionalFiles.AotServe", "true");

        (GeneratorRunResult result, _) = GeneratorHarness.Run(new[] { manifest }, options, withServing: false);

        Assert.Empty(result.GeneratedSources);
        AssertDiagnostic(Assert.Single(result.Diagnostics), "AOT0010", DiagnosticSeverity.Error, s_model,
            $"The ONNX model '{s_model}' has AotServe=\"true\", whose server adapter needs the Aot.Server.Hosting library; add a reference to it");
    }

    [Fact]
    public void AOT0011_AotClient_without_Aot_Client_Typed()
    {
        InMemoryAdditionalText manifest = GeneratorHarness.Manifest("model.onnx", TestModels.MiniLmLike());
        TestOptionsProvider options = TestOptionsProvider.WithRootNamespace("Consumer").WithFile(manifest.Path, "build_metadata.AdditionalFiles.AotClient", "true");

        (GeneratorRunResult result, _) = GeneratorHarness.Run(new[] { manifest }, options, withServing: false);

        Assert.Empty(result.GeneratedSources);
        AssertDiagnostic(Assert.Single(result.Diagnostics), "AOT0011", DiagnosticSeverity.Error, s_model,
            $"The ONNX model '{s_model}' has AotClient=\"true\", whose typed client needs the Aot.Client.Typed library; add a reference to it");
    }

    [Theory]
    [InlineData("mini lm")]
    [InlineData("mini/lm")]
    [InlineData("modèle")]
    public void AOT0012_a_served_name_the_server_cannot_route(string name)
    {
        InMemoryAdditionalText manifest = GeneratorHarness.Manifest("model.onnx", TestModels.MiniLmLike());
        TestOptionsProvider options = TestOptionsProvider.WithRootNamespace("Consumer")
            .WithFile(manifest.Path, "build_metadata.AdditionalFiles.AotServe", "true")
            .WithFile(manifest.Path, "build_metadata.AdditionalFiles.AotServeName", name);

        Diagnostic diagnostic = SingleDiagnostic(manifest, options);

        AssertDiagnostic(diagnostic, "AOT0012", DiagnosticSeverity.Error, s_model,
            $"'{name}' is not a valid model name for the server (ServeName, or the file name, of the ONNX model '{s_model}'): use letters, digits, '_', '-' and '.', at most 256 characters");
    }

    [Fact]
    public void AOT0013_no_typed_client_for_string_tensors_but_the_class_and_adapter_are_generated()
    {
        OnnxModelBuilder model = new OnnxModelBuilder()
            .Input("text", OnnxType.Tensor(Elem.String, "batch"))
            .Output("label", OnnxType.Tensor(Elem.Int64, "batch"));
        InMemoryAdditionalText manifest = GeneratorHarness.Manifest("model.onnx", model);
        TestOptionsProvider options = TestOptionsProvider.WithRootNamespace("Consumer")
            .WithFile(manifest.Path, "build_metadata.AdditionalFiles.AotServe", "true")
            .WithFile(manifest.Path, "build_metadata.AdditionalFiles.AotClient", "true");

        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(new[] { manifest }, options);

        AssertDiagnostic(Assert.Single(result.Diagnostics), "AOT0013", DiagnosticSeverity.Warning, s_model,
            $"The ONNX model '{s_model}' has string inputs or outputs, which the binary protocol does not carry yet; no typed client is generated for it (AotClient is ignored)");
        Assert.NotNull(output.GetTypeByMetadataName("Consumer.ModelClass+Serving"));
        Assert.Null(output.GetTypeByMetadataName("Consumer.ModelClass+Client"));
        Assert.Empty(GeneratorHarness.CompilerProblems(output));
    }

    private static Diagnostic SingleDiagnostic(AdditionalText file, TestOptionsProvider? options = null)
    {
        (GeneratorRunResult result, _) = GeneratorHarness.Run(new[] { file }, options);
        Assert.Null(result.Exception);
        Assert.Empty(result.GeneratedSources);
        return Assert.Single(result.Diagnostics);
    }

    private static void AssertDiagnostic(Diagnostic diagnostic, string id, DiagnosticSeverity severity, string path, string message)
    {
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(severity, diagnostic.Severity);
        Assert.Equal(message, diagnostic.GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal(path, diagnostic.Location.GetLineSpan().Path);
    }

    private static OnnxType TypeFor(string description) => description switch
    {
        "seq(tensor(float))" => OnnxType.Sequence(OnnxType.Tensor(Elem.Float)),
        "map(int64,tensor(float))" => OnnxType.Map(Elem.Int64, OnnxType.Tensor(Elem.Float)),
        "optional(tensor(float))" => OnnxType.Optional(OnnxType.Tensor(Elem.Float)),
        "sparse_tensor(float)" => OnnxType.SparseTensor(Elem.Float, 4L),
        "tensor(float8e4m3fn)" => OnnxType.Tensor(Elem.Float8E4M3FN, 1L),
        "tensor(float8e5m2fnuz)" => OnnxType.Tensor(Elem.Float8E5M2FNUZ, 1L),
        "tensor(int4)" => OnnxType.Tensor(Elem.Int4, 1L),
        "tensor(uint4)" => OnnxType.Tensor(Elem.UInt4, 1L),
        "tensor(complex64)" => OnnxType.Tensor(Elem.Complex64, 1L),
        "tensor(complex128)" => OnnxType.Tensor(Elem.Complex128, 1L),
        "tensor(undefined)" => OnnxType.Tensor(0, 1L),
        "value with no type" => OnnxType.None,
        _ => throw new ArgumentOutOfRangeException(nameof(description)),
    };
}
