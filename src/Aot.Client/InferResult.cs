using System.Buffers;

namespace Aot.Client;

/// <summary>The outputs of one inference. Dispose it to return its buffer to the pool.</summary>
public sealed class InferResult : IDisposable
{
    private byte[]? _buffer;

    internal InferResult(byte[] buffer, IReadOnlyList<OutputTensor> outputs)
    {
        _buffer = buffer;
        Outputs = outputs;
    }

    /// <summary>The outputs in model order (only those requested, when a selection was given).</summary>
    public IReadOnlyList<OutputTensor> Outputs { get; }

    /// <summary>The output named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No output has that name.</exception>
    public OutputTensor this[string name] =>
        Outputs.FirstOrDefault(o => o.Name == name) ?? throw new KeyNotFoundException($"No output named '{name}'; outputs: {string.Join(", ", Outputs.Select(o => o.Name))}.");

    /// <summary>Returns the response buffer to the pool; outputs must not be read afterwards.</summary>
    public void Dispose()
    {
        byte[]? buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
