namespace Aot.Runtime;

/// <summary>What a loaded model declares: inputs and outputs in model order, and its descriptive metadata.</summary>
public sealed class ModelMetadata
{
    private readonly Dictionary<string, TensorInfo> _inputsByName;
    private readonly Dictionary<string, TensorInfo> _outputsByName;

    internal ModelMetadata(
        TensorInfo[] inputs,
        TensorInfo[] outputs,
        string? producerName,
        string? graphName,
        string? domain,
        string? description,
        long version,
        IReadOnlyDictionary<string, string> custom)
    {
        Inputs = inputs;
        Outputs = outputs;
        ProducerName = producerName;
        GraphName = graphName;
        Domain = domain;
        Description = description;
        Version = version;
        Custom = custom;
        _inputsByName = inputs.ToDictionary(static t => t.Name, StringComparer.Ordinal);
        _outputsByName = outputs.ToDictionary(static t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>Inputs in model order (initializers excluded).</summary>
    public IReadOnlyList<TensorInfo> Inputs { get; }

    /// <summary>Outputs in model order.</summary>
    public IReadOnlyList<TensorInfo> Outputs { get; }

    /// <summary>Producer, e.g. <c>pytorch</c>.</summary>
    public string? ProducerName { get; }

    /// <summary>The graph's name.</summary>
    public string? GraphName { get; }

    /// <summary>The model's domain.</summary>
    public string? Domain { get; }

    /// <summary>The model's doc string.</summary>
    public string? Description { get; }

    /// <summary>The model's <c>model_version</c>.</summary>
    public long Version { get; }

    /// <summary>The model's <c>metadata_props</c>.</summary>
    public IReadOnlyDictionary<string, string> Custom { get; }

    /// <summary>The input with this exact name, or null.</summary>
    public TensorInfo? FindInput(string name) => _inputsByName.GetValueOrDefault(name);

    /// <summary>The output with this exact name, or null.</summary>
    public TensorInfo? FindOutput(string name) => _outputsByName.GetValueOrDefault(name);

    /// <summary>The input's index; <see cref="ModelInputException"/> listing the real inputs when there is none.</summary>
    public int GetInputIndex(string name) => FindInput(name)?.Index
        ?? throw new ModelInputException(name, $"The model has no input named '{name}'; its inputs are: {string.Join(", ", Inputs.Select(static i => i.Name))}.");

    /// <summary>The output's index; <see cref="ModelInputException"/> listing the real outputs when there is none.</summary>
    public int GetOutputIndex(string name) => FindOutput(name)?.Index
        ?? throw new ModelInputException(name, $"The model has no output named '{name}'; its outputs are: {string.Join(", ", Outputs.Select(static o => o.Name))}.");
}
