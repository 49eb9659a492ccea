using Microsoft.CodeAnalysis;

namespace Aot.Generators;

/// <summary>
/// Every diagnostic of the Aot generator. Ids are stable: never reuse or renumber one (AnalyzerReleases.*.md tracks
/// them; docs/generator.md lists them). Each message names the model file, and each diagnostic is located at that file.
/// </summary>
/// <remarks>AOT0100 belongs to the MSBuild task (it cannot write its manifest) and is logged by MSBuild, not here.</remarks>
internal static class DiagnosticDescriptors
{
    private const string Category = "Aot.Generators";

    public static readonly DiagnosticDescriptor UnreadableModel = new(
        id: "AOT0001",
        title: "The ONNX model cannot be read",
        messageFormat: "The ONNX model '{0}' could not be read: {1}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnsupportedValue = new(
        id: "AOT0002",
        title: "The ONNX model has an input or output the typed API does not support",
        messageFormat: "The {1} '{2}' of the ONNX model '{0}' is a {3}, which the typed API does not support; no class is generated for this model (use Aot.Runtime.OnnxModel and ModelRunner directly)",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidManifest = new(
        id: "AOT0003",
        title: "The ONNX manifest cannot be read",
        messageFormat: "The ONNX manifest '{0}' could not be read: {1}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidClassName = new(
        id: "AOT0004",
        title: "Invalid class name for an ONNX model",
        messageFormat: "'{1}' is not a valid C# class name (ClassName of the ONNX model '{0}')",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidNamespace = new(
        id: "AOT0005",
        title: "Invalid namespace for an ONNX model",
        messageFormat: "'{1}' is not a valid C# namespace (Namespace, or the project's RootNamespace, for the ONNX model '{0}')",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor DuplicateClassName = new(
        id: "AOT0006",
        title: "Two ONNX models generate the same class",
        messageFormat: "The class '{1}' for the ONNX model '{0}' is also generated for '{2}'; set a different ClassName or Namespace on one of them",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor TargetsNotImported = new(
        id: "AOT0007",
        title: "An ONNX model reached the compiler without its manifest",
        messageFormat: "The ONNX model '{0}' reached the compiler as an AdditionalFile without its manifest: the Aot build targets were not imported (reference the Aot.Runtime package; in this repository, import generators/Aot.Generators.InRepo.targets)",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor RuntimeNotReferenced = new(
        id: "AOT0008",
        title: "Aot.Runtime is not referenced",
        messageFormat: "The class for the ONNX model '{0}' needs the Aot.Runtime library; add a reference to it",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor LanguageVersionTooLow = new(
        id: "AOT0009",
        title: "C# 11 or later is required",
        messageFormat: "The class for the ONNX model '{0}' needs C# 11 or later (UTF-8 literals, scoped parameters); this project uses C# {1}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ServerHostingNotReferenced = new(
        id: "AOT0010",
        title: "Aot.Server.Hosting is not referenced",
        messageFormat: "The ONNX model '{0}' has AotServe=\"true\", whose server adapter needs the Aot.Server.Hosting library; add a reference to it",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor TypedClientNotReferenced = new(
        id: "AOT0011",
        title: "Aot.Client.Typed is not referenced",
        messageFormat: "The ONNX model '{0}' has AotClient=\"true\", whose typed client needs the Aot.Client.Typed library; add a reference to it",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidServeName = new(
        id: "AOT0012",
        title: "Invalid served model name",
        messageFormat: "'{1}' is not a valid model name for the server (ServeName, or the file name, of the ONNX model '{0}'): use letters, digits, '_', '-' and '.', at most 256 characters",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ClientWithStrings = new(
        id: "AOT0013",
        title: "No typed client for a model with string tensors",
        messageFormat: "The ONNX model '{0}' has string inputs or outputs, which the binary protocol does not carry yet; no typed client is generated for it (AotClient is ignored)",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor EntryPointWithoutServedModels = new(
        id: "AOT0014",
        title: "Generated entry point without served models",
        messageFormat: "AotServerEntryPoint is true but no ONNX model has AotServe=\"true\" (or Aot.Server.Hosting is not referenced); no entry point is generated",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);
}
