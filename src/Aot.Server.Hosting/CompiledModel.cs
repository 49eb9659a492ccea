using Aot.Runtime;

namespace Aot.Server.Hosting;

/// <summary>
/// A model compiled into the server. The source generator emits one subclass per model listed as
/// <c>&lt;AdditionalFiles Include="model.onnx" AotServe="true" /&gt;</c> (<c>MyModel.Serving</c>); give instances to
/// <see cref="AotServer.Run"/>.
/// </summary>
/// <remarks>
/// The subclass carries the model's signature as constants and is the request path: <see cref="TryValidate"/> checks a
/// request's tensors with straight-line code, and the <see cref="CompiledRunner"/> it creates lays each batch out in the
/// pinned input buffers with the model's constants (<see cref="CompiledRunner.TryFillInputs"/>). At start-up the model
/// file (embedded, given with <c>--model NAME=PATH</c>, or found next to the executable) is checked against
/// <see cref="InputSpecs"/> and <see cref="OutputSpecs"/>; a mismatch fails start-up listing every difference.
/// </remarks>
public abstract class CompiledModel
{
    // Every batch worker's executor created from this instance (one per worker and load), for BatchFills.
    private readonly List<Compiled.CompiledExecutor> _executors = [];

    /// <summary>Creates the description of a compiled-in model.</summary>
    /// <param name="name">The name the model is served under (letters, digits, <c>_ - .</c>).</param>
    /// <param name="modelFileName">The file the model was compiled from, looked for next to the executable when not embedded.</param>
    /// <param name="isBatchable">Whether the generated validation treats dimension 0 as the batch dimension (the server's rule, applied at build time).</param>
    protected CompiledModel(string name, string modelFileName, bool isBatchable)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(modelFileName);
        Name = name;
        ModelFileName = modelFileName;
        IsBatchable = isBatchable;
    }

    /// <summary>The name the model is served under.</summary>
    public string Name { get; }

    /// <summary>The <c>.onnx</c> file the model was compiled from (file name only).</summary>
    public string ModelFileName { get; }

    /// <summary>Whether the generated validation treats dimension 0 as the batch dimension.</summary>
    public bool IsBatchable { get; }

    /// <summary>The inputs the model was compiled with, in model order.</summary>
    public abstract IReadOnlyList<TensorSpec> InputSpecs { get; }

    /// <summary>The outputs the model was compiled with, in model order.</summary>
    public abstract IReadOnlyList<TensorSpec> OutputSpecs { get; }

    /// <summary>Whether the model file is embedded in the assembly (<c>Embed="true"</c>).</summary>
    public virtual bool HasEmbeddedModel => false;

    /// <summary>Loads the embedded model from memory.</summary>
    /// <param name="options">Device, threads and optimisation.</param>
    /// <returns>The loaded model, owned by the caller.</returns>
    /// <exception cref="NotSupportedException">The model is not embedded.</exception>
    protected virtual OnnxModel LoadEmbeddedModel(ModelOptions options) =>
        throw new NotSupportedException($"The model '{Name}' ({ModelFileName}) is not embedded; build it with Embed=\"true\".");

    /// <summary>
    /// Checks a request's inputs against the compiled signature with straight-line code. True: the request is valid.
    /// False: the server's general validation decides (and names the problem), so returning false is always safe.
    /// </summary>
    /// <param name="request">The request's input shapes and byte lengths.</param>
    /// <returns>Whether the request is known to be valid.</returns>
    protected virtual bool TryValidate(RequestInputs request) => false;

    /// <summary>Creates the executor one batch worker drives: the generated typed class over <paramref name="model"/>.</summary>
    /// <param name="model">The loaded model, already checked against the compiled signature.</param>
    /// <returns>A runner owned by the worker.</returns>
    protected abstract CompiledRunner CreateRunner(OnnxModel model);

    // The server calls the protected members through these (protected, not protected internal, so that the generated
    // overrides compile the same in assemblies this one grants internals to).
    internal OnnxModel LoadEmbedded(ModelOptions options) => LoadEmbeddedModel(options);

    internal bool Validate(Batching.TensorBuffer[] tensors) => TryValidate(new RequestInputs(tensors));

    /// <summary>Creates a batch worker's executor over <paramref name="model"/> and keeps it for <see cref="BatchFills"/>.</summary>
    /// <param name="model">The loaded model.</param>
    /// <param name="generatedFill">Whether batches go through the generated <see cref="CompiledRunner.TryFillInputs"/> first.</param>
    internal Compiled.CompiledExecutor NewExecutor(OnnxModel model, bool generatedFill)
    {
        var executor = new Compiled.CompiledExecutor(CreateRunner(model), generatedFill);
        lock (_executors)
        {
            _executors.Add(executor);
        }

        return executor;
    }

    /// <summary>
    /// Batches laid out by the generated code and by the server's general filling, over every executor created from
    /// this instance. Each worker counts its own (plain fields, nothing shared per batch); this sums them.
    /// </summary>
    internal (long Generated, long General) BatchFills
    {
        get
        {
            lock (_executors)
            {
                return (_executors.Sum(static e => e.GeneratedFills), _executors.Sum(static e => e.GeneralFills));
            }
        }
    }
}
