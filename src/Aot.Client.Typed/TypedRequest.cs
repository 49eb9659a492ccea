using Aot.Client.Protocol;
using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using System.Threading.Tasks.Sources;
using Aot.Protocol;
using Aot.Protocol.Wire;

namespace Aot.Client.Typed;

/// <summary>
/// A reusable inference request for one model on a <see cref="TypedConnection"/>. Generated typed clients
/// (<c>X.Client</c>, for models marked <c>AotClient="true"</c>) derive from it: they own typed input buffers, write
/// the InferRequest payload with their model's constants, and read outputs as typed views of the response.
/// </summary>
/// <remarks>
/// <para>
/// One instance is one call at a time; call <see cref="InferAsync"/> again after the previous call completed, and
/// create one instance per concurrent call. Its frame and response buffers grow to the largest call seen and are
/// kept, and the awaited <see cref="ValueTask"/> is backed by the instance itself, so a steady stream of calls of one
/// shape allocates nothing (with a cancellable token, registering the token allocates).
/// </para>
/// <para>
/// The continuation after <c>await InferAsync()</c> runs on the connection's receive loop, like a socket callback:
/// further awaits are fine, but code that blocks there delays every other answer on the connection.
/// </para>
/// </remarks>
public abstract class TypedRequest : IValueTaskSource
{
    private readonly byte[] _modelName;
    private byte[] _frame = [];
    private byte[] _response = [];
    private int _responseLength;
    private ManualResetValueTaskSourceCore<bool> _completion;
    private CancellationTokenRegistration _cancellation;
    private int _inFlight;

    /// <summary>Creates a request for <paramref name="modelName"/> (version <paramref name="modelVersion"/>; 0 = highest).</summary>
    /// <param name="connection">The connection the request is sent on.</param>
    /// <param name="modelName">The model's name on the server.</param>
    /// <param name="modelVersion">The model version; 0 for the highest the server has.</param>
    protected TypedRequest(TypedConnection connection, string modelName, long modelVersion)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrEmpty(modelName);
        Connection = connection;
        ModelName = modelName;
        ModelVersion = modelVersion;
        _modelName = Encoding.UTF8.GetBytes(modelName);
        _completion.RunContinuationsAsynchronously = false;
    }

    /// <summary>The connection this request is sent on.</summary>
    public TypedConnection Connection { get; }

    /// <summary>The model's name on the server.</summary>
    public string ModelName { get; }

    /// <summary>The model version asked for; 0 for the highest.</summary>
    public long ModelVersion { get; }

    /// <summary>Server-side deadline: the server answers 504 if the request cannot start within it. Null: none.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Whether a call is in flight (sent and not yet awaited to completion).</summary>
    public bool IsInFlight => Volatile.Read(ref _inFlight) != 0;

    /// <summary>The payload of the last InferResponse (outputs are views of it).</summary>
    protected ReadOnlySpan<byte> ResponsePayload => _response.AsSpan(0, _responseLength);

    internal ulong PendingId { get; set; }

    internal int Slot { get; set; }

    /// <summary>
    /// Sends the inputs and completes when the outputs have arrived (read them through the typed properties).
    /// </summary>
    /// <param name="cancellationToken">Stops waiting for the answer (the server may still run the request).</param>
    /// <returns>A task that completes when the outputs are readable.</returns>
    /// <exception cref="AotServerException">The server answered with an error (bad input, unknown model, overload …).</exception>
    /// <exception cref="InvalidOperationException">The previous call on this instance has not completed, or an input was not set.</exception>
    /// <exception cref="IOException">The connection is closed or failed.</exception>
    public ValueTask InferAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _inFlight, 1) != 0)
        {
            throw new InvalidOperationException("This request is already in flight; await it before reusing it, or create one request per concurrent call.");
        }

        int length;
        try
        {
            int inputs = GetInputSectionLength();
            int payload = checked(2 + _modelName.Length + 8 + 4 + inputs);
            length = checked(FrameHeader.Size + payload);
            if (_frame.Length < length)
            {
                _frame = GC.AllocateUninitializedArray<byte>((int)Math.Min(Array.MaxLength, BitOperations.RoundUpToPowerOf2((uint)length)));
            }

            Span<byte> frame = _frame.AsSpan(0, length);
            int at = FrameHeader.Size;
            TypedWire.WriteUInt16(frame, ref at, _modelName.Length);
            _modelName.CopyTo(frame[at..]);
            at += _modelName.Length;
            BinaryPrimitives.WriteInt64LittleEndian(frame[at..], ModelVersion);
            at += 8;
            uint timeoutMicros = Timeout is { } timeout ? (uint)Math.Clamp(timeout.Ticks / 10, 1, uint.MaxValue) : 0;
            BinaryPrimitives.WriteUInt32LittleEndian(frame[at..], timeoutMicros);
            at += 4;
            WriteInputSection(frame.Slice(at, inputs));
            _completion.Reset();
            _responseLength = 0;
        }
        catch
        {
            Volatile.Write(ref _inFlight, 0);
            throw;
        }

        return Connection.InferAsync(this, _frame, length, cancellationToken);
    }

    /// <summary>Bytes of the payload from <c>input_count</c> to <c>output_count</c> inclusive, for the inputs as set.</summary>
    /// <returns>The length of the section <see cref="WriteInputSection"/> writes.</returns>
    /// <exception cref="InvalidOperationException">An input was not set.</exception>
    protected abstract int GetInputSectionLength();

    /// <summary>Writes <c>input_count</c>, every input and <c>output_count</c> (0: all outputs).</summary>
    /// <param name="destination">Exactly <see cref="GetInputSectionLength"/> bytes.</param>
    protected abstract void WriteInputSection(Span<byte> destination);

    /// <summary>Locates the outputs in an InferResponse payload (called on the receive loop before the call completes).</summary>
    /// <param name="payload">The payload, also available as <see cref="ResponsePayload"/>.</param>
    protected abstract void ReadOutputs(ReadOnlySpan<byte> payload);

    /// <summary>Sizes an input buffer for <paramref name="shape"/> (growing it only when it is too small) and returns its span.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="buffer">The input's buffer; replaced when it must grow.</param>
    /// <param name="count">Receives the number of elements.</param>
    /// <param name="shape">The shape just set.</param>
    /// <returns>The first <paramref name="count"/> elements of the buffer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative or the tensor is too large.</exception>
    protected static Span<T> SetInput<T>(ref T[] buffer, ref int count, ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        long elements = 1;
        foreach (long dim in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(dim, nameof(shape));
            elements = checked(elements * dim);
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(elements, Array.MaxLength / Math.Max(1, System.Runtime.CompilerServices.Unsafe.SizeOf<T>()), nameof(shape));
        if (buffer.Length < elements)
        {
            buffer = GC.AllocateUninitializedArray<T>((int)Math.Min((ulong)Array.MaxLength, BitOperations.RoundUpToPowerOf2((ulong)elements)));
        }

        count = (int)elements;
        return buffer.AsSpan(0, count);
    }

    /// <summary>Throws when an input has not been set since the request was created.</summary>
    /// <param name="count">The input's element count; negative when never set.</param>
    /// <param name="name">The input's name in the model.</param>
    protected static void RequireSet(int count, string name)
    {
        if (count < 0)
        {
            throw new InvalidOperationException($"Input '{name}' was not set: call its method before InferAsync.");
        }
    }

    internal ValueTask AsValueTask() => new(this, _completion.Version);

    internal void RegisterCancellation(CancellationToken cancellationToken) =>
        _cancellation = cancellationToken.UnsafeRegister(static (state, token) =>
        {
            var request = (TypedRequest)state!;
            if (request.Connection.Unregister(request))
            {
                request.Complete(new OperationCanceledException(token));
            }
        }, this);

    /// <summary>The buffer the receive loop copies a response payload of <paramref name="length"/> bytes into.</summary>
    internal byte[] GetResponseBuffer(int length)
    {
        if (_response.Length < length)
        {
            _response = GC.AllocateUninitializedArray<byte>((int)Math.Min(Array.MaxLength, BitOperations.RoundUpToPowerOf2((uint)Math.Max(length, 256))));
        }

        return _response;
    }

    /// <summary>Completes the call from a received frame whose payload is in the response buffer.</summary>
    internal void CompleteFromFrame(FrameType type, int length)
    {
        _responseLength = length;
        Exception? error = null;
        try
        {
            if (type == FrameType.InferResponse)
            {
                ReadOutputs(ResponsePayload);
            }
            else if (type == FrameType.Error)
            {
                (ErrorCode code, string message) = InferResponseDecoder.ReadError(ResponsePayload);
                error = new AotServerException(code, message);
            }
            else
            {
                error = new InvalidDataException($"Unexpected frame type {type} in answer to an InferRequest.");
            }
        }
        catch (Exception ex)
        {
            error = ex;
        }

        Complete(error);
    }

    /// <summary>Completes the call: with its outputs when <paramref name="error"/> is null.</summary>
    internal void Complete(Exception? error)
    {
        _cancellation.Unregister();
        _cancellation = default;
        if (error is null)
        {
            _completion.SetResult(true);
        }
        else
        {
            _completion.SetException(error);
        }
    }

    void IValueTaskSource.GetResult(short token)
    {
        try
        {
            _completion.GetResult(token);
        }
        finally
        {
            Volatile.Write(ref _inFlight, 0);
        }
    }

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _completion.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _completion.OnCompleted(continuation, state, token, flags);
}
