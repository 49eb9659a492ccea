namespace Aot.Server.Batching;

/// <summary>The adapter of a model loaded at run time: the general validation, and executors from <paramref name="createExecutor"/>.</summary>
internal sealed class GeneralModelAdapter(Func<IModelExecutor> createExecutor) : IModelAdapter
{
    public bool TryValidate(TensorBuffer[] inputs) => false;

    public IModelExecutor CreateExecutor() => createExecutor();
}
