namespace Aot.Generators.Model;

/// <summary>Everything the emitter writes for one model; names are already sanitised and collision-free.</summary>
/// <param name="ModelPath">Full path of the <c>.onnx</c> file (diagnostics).</param>
/// <param name="ModelFileName">File name of the model, shown in docs (a full path would make output machine-dependent).</param>
/// <param name="Namespace">Namespace of the class, or null for the global namespace.</param>
/// <param name="ClassName">The class name.</param>
/// <param name="Description">Doc strings and producer information for the XML docs.</param>
/// <param name="Inputs">Inputs in model order.</param>
/// <param name="Outputs">Outputs in model order.</param>
/// <param name="Serving">Server adapter, typed client and embedding requested for this model.</param>
/// <param name="IsBatchable">
/// Whether the server batches this model along dimension 0, decided from the signature by the server's own rule (every
/// input has a symbolic dimension 0, named ones share one symbol; every output has a dynamic dimension 0).
/// </param>
internal sealed record ModelClass(
    string ModelPath,
    string ModelFileName,
    string? Namespace,
    string ClassName,
    ModelDescription Description,
    EquatableArray<TensorMember> Inputs,
    EquatableArray<TensorMember> Outputs,
    ServingOptions Serving,
    bool IsBatchable)
{
    /// <summary>Namespace-qualified name, unique per compilation (duplicates are diagnosed).</summary>
    public string FullName => Namespace is null ? ClassName : Namespace + "." + ClassName;
}
