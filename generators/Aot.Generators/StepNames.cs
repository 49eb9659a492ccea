namespace Aot.Generators;

/// <summary>Tracking names of the pipeline steps, so tests can assert what ran and what was cached.</summary>
internal static class StepNames
{
    /// <summary>The AdditionalFiles that are manifests (or stray .onnx files).</summary>
    public const string ModelFiles = nameof(ModelFiles);

    /// <summary>One <see cref="Model.ModelResult"/> per model file: manifest parsed, names chosen, diagnostics found.</summary>
    public const string Models = nameof(Models);

    /// <summary>The class names claimed by more than one model.</summary>
    public const string DuplicateClasses = nameof(DuplicateClasses);

    /// <summary>What the compilation offers: Aot.Runtime referenced, language version.</summary>
    public const string CompilationFacts = nameof(CompilationFacts);

    /// <summary>Per model, everything the source output needs; its outputs decide what is re-emitted.</summary>
    public const string EmitInputs = nameof(EmitInputs);

    /// <summary>The served classes and the AotServerEntryPoint property: the generated Main.</summary>
    public const string EntryPoint = nameof(EntryPoint);
}
