namespace Aot.Server.Batching;

/// <summary>
/// An executor that can lay a batch out in its input buffers itself: a compiled-in model, whose generated code knows
/// the element sizes, fixed dimensions and row sizes as constants. <see cref="BatchPlan.FillInputs"/> asks it first;
/// false means "not this batch" (padding, string tensors, a model file whose signature differs from the compiled one)
/// and the general filling runs instead, so declining is always safe.
/// </summary>
internal interface IBatchInputFiller
{
    /// <summary>Sets every input's batch shape and copies each request's bytes into place, or returns false having touched nothing.</summary>
    /// <param name="batch">The requests, in row order.</param>
    /// <param name="rows">The batch's rows (the sum of the requests' dimension 0 for a batchable model, else 1).</param>
    /// <returns>Whether the batch is laid out.</returns>
    bool TryFillInputs(List<InferenceRequest> batch, long rows);
}
