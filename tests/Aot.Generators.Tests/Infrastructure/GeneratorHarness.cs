using System.Collections.Immutable;
using Aot.Generators.Onnx;
using Aot.Generators.Tests.Onnx;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Aot.Generators.Tests.Infrastructure;

/// <summary>Runs <see cref="OnnxModelGenerator"/> in-process the way the compiler does, on manifests made from test models.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(LoadReferences);

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.CSharp13, DocumentationMode.Diagnose);

    /// <summary>Where test models pretend to live; only names matter, nothing is read from here.</summary>
    public static string ModelPath(string fileName) => "/project/models/" + fileName;

    /// <summary>The manifest the build task would write for <paramref name="model"/> at <paramref name="modelPath"/>.</summary>
    public static string ManifestText(string modelPath, OnnxModelBuilder model)
    {
        using var stream = new MemoryStream(model.ToArray());
        return OnnxManifest.Write(modelPath, OnnxMetadataReader.Read(stream));
    }

    /// <summary>The manifest AdditionalFile, at the path the build targets give it (obj/aot/NAME.HASH.aotmanifest).</summary>
    public static InMemoryAdditionalText Manifest(string modelFileName, OnnxModelBuilder model) =>
        new("/project/obj/Debug/net10.0/aot/" + Path.GetFileNameWithoutExtension(modelFileName) + ".0badc0de" + OnnxManifest.FileExtension,
            ManifestText(ModelPath(modelFileName), model));

    public static CSharpCompilation CreateCompilation(bool withRuntime = true, LanguageVersion languageVersion = LanguageVersion.CSharp13, params string[] sources) =>
        CreateCompilation(withRuntime, withServing: true, languageVersion, sources);

    /// <summary>A compilation; <paramref name="withServing"/> false leaves out Aot.Server.Hosting and Aot.Client.Typed.</summary>
    public static CSharpCompilation CreateCompilation(bool withRuntime, bool withServing, LanguageVersion languageVersion, params string[] sources)
    {
        IEnumerable<MetadataReference> references = s_references.Value
            .Where(r => withRuntime || !Path.GetFileName(r.Display ?? "").StartsWith("Aot.Runtime", StringComparison.Ordinal))
            .Where(r => withServing || !(Path.GetFileName(r.Display ?? "") is "Aot.Server.Hosting.dll" or "Aot.Client.Typed.dll"));
        return CSharpCompilation.Create(
            "Consumer",
            sources.Select(s => CSharpSyntaxTree.ParseText(s, ParseOptions.WithLanguageVersion(languageVersion))),
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    public static GeneratorDriver CreateDriver(IEnumerable<AdditionalText> files, TestOptionsProvider? options = null, LanguageVersion languageVersion = LanguageVersion.CSharp13) =>
        CSharpGeneratorDriver.Create(
            new[] { new OnnxModelGenerator().AsSourceGenerator() },
            files,
            ParseOptions.WithLanguageVersion(languageVersion),
            options ?? TestOptionsProvider.WithRootNamespace("Consumer"),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once and returns its result and the compilation with the generated code.</summary>
    public static (GeneratorRunResult Result, Compilation Output) Run(
        IEnumerable<AdditionalText> files, TestOptionsProvider? options = null, bool withRuntime = true, LanguageVersion languageVersion = LanguageVersion.CSharp13, bool withServing = true)
    {
        // One source file, as every real project has: the compilation takes its language version from its trees.
        CSharpCompilation compilation = CreateCompilation(withRuntime, withServing, languageVersion, "namespace Consumer { }");
        GeneratorDriver driver = CreateDriver(files, options, languageVersion)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
        return (driver.GetRunResult().Results.Single(), output);
    }

    /// <summary>Compiler diagnostics of the output that are warnings or errors, for asserting that generated code is clean.</summary>
    public static IReadOnlyList<Diagnostic> CompilerProblems(Compilation output) =>
        output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        string trusted = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        return trusted.Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "netstandard.dll" or "mscorlib.dll")
            .Append(typeof(Aot.Protocol.ElementType).Assembly.Location)
            .Append(typeof(Aot.Runtime.ModelRunner).Assembly.Location)
            .Append(typeof(Aot.Server.Hosting.CompiledModel).Assembly.Location)
            .Append(typeof(Aot.Client.Typed.TypedRequest).Assembly.Location)
            .Append(typeof(Aot.Client.AotClient).Assembly.Location)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    }
}
