namespace Aot.Server.Batching;

/// <summary>
/// How a served model's requests are checked and its batches run, handed to its <see cref="DynamicBatcher"/> at
/// construction: <see cref="GeneralModelAdapter"/> for a model loaded at run time, generated straight-line code for a
/// model compiled into the server (<c>Aot.Server.Compiled.CompiledModelAdapter</c>).
/// </summary>
internal interface IModelAdapter
{
    /// <summary>
    /// A fast acceptance check of a request's inputs. True: the request is valid. False: the general check in
    /// <see cref="Models.ServingSignature.Validate"/> decides (and names the problem), so false is always safe.
    /// </summary>
    bool TryValidate(TensorBuffer[] inputs);

    /// <summary>Creates the executor one batch worker drives (called once per worker).</summary>
    IModelExecutor CreateExecutor();
}
