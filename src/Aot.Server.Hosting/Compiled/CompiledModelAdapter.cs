using Aot.Runtime;
using Aot.Server.Batching;
using Aot.Server.Hosting;

namespace Aot.Server.Compiled;

/// <summary>
/// How a model compiled into the server plugs into the request lifecycle: its generated straight-line validation and
/// batch layout when the loaded file's dimensions are exactly the compiled ones (<paramref name="exact"/>), else the
/// general path with the generated typed class still running the model.
/// </summary>
internal sealed class CompiledModelAdapter(CompiledModel compiled, OnnxModel model, bool exact) : IModelAdapter
{
    /// <summary>Whether requests go through the generated validation and batch filling.</summary>
    public bool UsesGeneratedCode => exact;

    public bool TryValidate(TensorBuffer[] inputs) => exact && compiled.Validate(inputs);

    public IModelExecutor CreateExecutor() => compiled.NewExecutor(model, generatedFill: exact);
}
