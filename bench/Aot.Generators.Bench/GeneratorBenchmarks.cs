using Aot.Generators.Onnx;
using Aot.Generators.Tests.Onnx;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Aot.Generators.Bench;

/// <summary>
/// The generator in a driver, as the compiler and IDEs run it: a cold run over N models, and the run that follows an
/// unrelated edit (what an IDE pays per keystroke), which must be cached.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private CSharpCompilation _compilation = null!;
    private CSharpCompilation _edited = null!;
    private GeneratorDriver _coldDriver = null!;
    private GeneratorDriver _warmDriver = null!;

    [Params(1, 20)]
    public int Models { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        string manifest;
        using (var stream = new MemoryStream(TestModels.MiniLmLike().ToArray()))
        {
            manifest = OnnxManifest.Write("/project/models/model.onnx", OnnxMetadataReader.Read(stream));
        }

        var files = Enumerable.Range(0, Models)
            .Select(i => (AdditionalText)new ManifestText($"/project/obj/aot/model{i}.aotmanifest", manifest.Replace("/project/models/model.onnx", $"/project/models/model{i}.onnx", StringComparison.Ordinal)))
            .ToArray();

        var parseOptions = new CSharpParseOptions(LanguageVersion.CSharp13);
        MetadataReference[] references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal))
            .Append(typeof(Aot.Runtime.ModelRunner).Assembly.Location)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray();
        _compilation = CSharpCompilation.Create("Bench", new[] { CSharpSyntaxTree.ParseText("class A { }", parseOptions) }, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        _edited = _compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class B { }", parseOptions));
        _coldDriver = CSharpGeneratorDriver.Create(new[] { new OnnxModelGenerator().AsSourceGenerator() }, files, parseOptions);
        _warmDriver = _coldDriver.RunGenerators(_compilation);
    }

    [Benchmark(Description = "cold run")]
    public int ColdRun() => _coldDriver.RunGenerators(_compilation).GetRunResult().GeneratedTrees.Length;

    [Benchmark(Description = "run after an unrelated edit")]
    public int RunAfterEdit() => _warmDriver.RunGenerators(_edited).GetRunResult().GeneratedTrees.Length;

    private sealed class ManifestText(string path, string text) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(text);

        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }
}
