namespace Aot.Server.Batching;

/// <summary>
/// A tensor a request carries (an input, or a copied output): its shape and raw little-endian bytes, in a buffer owned by
/// the (pooled) request that grows to the largest tensor seen, so steady-state requests allocate nothing.
/// </summary>
internal sealed class TensorBuffer(int rank)
{
    private byte[] _data = [];

    /// <summary>The request's shape for this input (rank as declared by the model).</summary>
    public long[] Shape { get; } = new long[rank];

    /// <summary>Bytes of data in <see cref="Data"/>.</summary>
    public int Length { get; private set; }

    /// <summary>Whether the protocol layer has filled this input for the current request.</summary>
    public bool IsSet { get; set; }

    /// <summary>
    /// The tensor's bytes (owned). Not available while <see cref="IsBorrowed"/>: use <see cref="CopyTo"/>, or
    /// <see cref="Materialize"/> first.
    /// </summary>
    public Span<byte> Data => IsBorrowed ? throw new InvalidOperationException("The tensor's bytes are borrowed from the connection's buffer.") : _data.AsSpan(0, Length);

    /// <summary>
    /// True while the bytes are a view of the connection's receive buffer (<see cref="Borrow"/>) rather than a copy:
    /// valid only until the frame is consumed, so such a request must run before its read loop moves on.
    /// </summary>
    public bool IsBorrowed { get; private set; }

    private System.Buffers.ReadOnlySequence<byte> _borrowed;

    /// <summary>The tensor's bytes as memory (for asynchronous writes).</summary>
    public ReadOnlyMemory<byte> Memory => _data.AsMemory(0, Length);

    /// <summary>Sizes the buffer for <paramref name="length"/> bytes and returns it to be filled.</summary>
    public Span<byte> Allocate(int length)
    {
        if (_data.Length < length)
        {
            // Grow to a power of two so a stream of slightly different sizes settles quickly.
            _data = GC.AllocateUninitializedArray<byte>((int)Math.Min(Array.MaxLength, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(length, 64))));
        }

        Length = length;
        return _data.AsSpan(0, length);
    }

    /// <summary>Points at <paramref name="data"/> without copying it (see <see cref="IsBorrowed"/>).</summary>
    public void Borrow(in System.Buffers.ReadOnlySequence<byte> data)
    {
        _borrowed = data;
        Length = checked((int)data.Length);
        IsBorrowed = true;
    }

    /// <summary>Copies borrowed bytes into the tensor's own buffer, so the request may outlive the receive buffer.</summary>
    public void Materialize()
    {
        if (!IsBorrowed)
        {
            return;
        }

        System.Buffers.ReadOnlySequence<byte> borrowed = _borrowed;
        IsBorrowed = false;
        _borrowed = default;
        System.Buffers.BuffersExtensions.CopyTo(borrowed, Allocate(Length));
    }

    /// <summary>Copies the bytes (owned or borrowed) to <paramref name="destination"/>.</summary>
    public void CopyTo(Span<byte> destination)
    {
        if (IsBorrowed)
        {
            System.Buffers.BuffersExtensions.CopyTo(_borrowed, destination);
        }
        else
        {
            _data.AsSpan(0, Length).CopyTo(destination);
        }
    }

    /// <summary>Shortens the data to <paramref name="length"/> bytes (after filling less than was allocated, e.g. strings).</summary>
    public void Truncate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Length);
        Length = length;
    }

    /// <summary>Forgets the contents; keeps the buffer unless it is unusually large.</summary>
    public void Reset(int keepBytes)
    {
        IsSet = false;
        IsBorrowed = false;
        _borrowed = default;
        Length = 0;
        if (_data.Length > keepBytes)
        {
            _data = [];
        }
    }
}
