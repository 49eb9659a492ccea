using Aot.Server.Batching;

namespace Aot.Server.Hosting;

/// <summary>
/// A request's inputs as generated validation sees them: per input (by position) whether it was given, its shape and
/// its byte length. A view over the pooled request; valid only during <c>CompiledModel.TryValidate</c>.
/// </summary>
public readonly ref struct RequestInputs
{
    private readonly TensorBuffer[] _tensors;

    internal RequestInputs(TensorBuffer[] tensors) => _tensors = tensors;

    /// <summary>Whether input <paramref name="index"/> was given.</summary>
    /// <param name="index">The input's position.</param>
    /// <returns>True when the request carries it.</returns>
    public bool IsSet(int index) => _tensors[index].IsSet;

    /// <summary>The shape of input <paramref name="index"/> (its length is the model's declared rank).</summary>
    /// <param name="index">The input's position.</param>
    /// <returns>The shape as received.</returns>
    public ReadOnlySpan<long> Shape(int index) => _tensors[index].Shape;

    /// <summary>Bytes of data received for input <paramref name="index"/>.</summary>
    /// <param name="index">The input's position.</param>
    /// <returns>The data length.</returns>
    public int ByteLength(int index) => _tensors[index].Length;
}
