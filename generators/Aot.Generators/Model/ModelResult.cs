namespace Aot.Generators.Model;

/// <summary>What one model file gives the pipeline: a class to emit (or none) and the diagnostics found on the way.</summary>
internal sealed record ModelResult(ModelClass? Class, EquatableArray<DiagnosticInfo> Diagnostics);
