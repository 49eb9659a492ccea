using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Aot.Protocol.Wire;

namespace Aot.Client.Typed;

/// <summary>
/// One binary-protocol connection (TCP or Unix domain socket) shared by any number of <see cref="TypedRequest"/>s,
/// which may be in flight at once; answers are matched to requests by id as they arrive. Thread-safe.
/// </summary>
/// <remarks>
/// Allocation-free in steady state: request ids index a slot table (slot in the high 32 bits, a sequence number in the
/// low ones, so a late answer to an abandoned call is recognised and dropped), frames are written from and answers read
/// into buffers the requests own, and sends and receives use the socket's pooled <see cref="ValueTask"/> operations.
/// </remarks>
public sealed partial class TypedConnection : IAsyncDisposable
{
    private const int ReceiveBufferSize = 64 * 1024;

    private readonly Socket _socket;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly object _gate = new();
    private readonly Task _receiveLoop;
    private TypedRequest?[] _slots = new TypedRequest?[16];
    private int[] _freeSlots = new int[16];
    private int _freeCount;
    private int _usedSlots;
    private uint _sequence;
    private Exception? _failure;
    private int _disposed;

    private TypedConnection(Socket socket)
    {
        _socket = socket;
        _receiveLoop = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>Closes the connection; calls still waiting fail with <see cref="IOException"/>.</summary>
    /// <returns>A task that completes when the receive loop has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }

        _socket.Dispose();
        try
        {
            await _receiveLoop.ConfigureAwait(false);
        }
        catch (Exception)
        {
        }

        _sendLock.Dispose();
    }

    /// <summary>Registers <paramref name="request"/>, stamps its id into the frame header, sends the frame and returns the wait for the answer.</summary>
    internal ValueTask InferAsync(TypedRequest request, byte[] frame, int length, CancellationToken cancellationToken)
    {
        ulong id;
        try
        {
            id = Register(request);
        }
        catch (Exception ex)
        {
            request.Complete(ex);
            return request.AsValueTask();
        }

        new FrameHeader((uint)(length - FrameHeader.Size), FrameType.InferRequest, id).Write(frame);
        if (cancellationToken.CanBeCanceled)
        {
            request.RegisterCancellation(cancellationToken);
        }

        ValueTask sent;
        try
        {
            sent = SendAsync(frame.AsMemory(0, length));
        }
        catch (Exception ex)
        {
            FailSend(request, ex);
            return request.AsValueTask();
        }

        return sent.IsCompletedSuccessfully ? request.AsValueTask() : AwaitSendAsync(sent, request);
    }

    /// <summary>Removes a request that is still waiting (cancellation); false when its answer is already being delivered.</summary>
    internal bool Unregister(TypedRequest request)
    {
        lock (_gate)
        {
            int slot = request.Slot;
            if (slot < _slots.Length && ReferenceEquals(_slots[slot], request))
            {
                Release(slot);
                return true;
            }

            return false;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitSendAsync(ValueTask sent, TypedRequest request)
    {
        try
        {
            await sent.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            FailSend(request, ex);
        }

        await request.AsValueTask().ConfigureAwait(false);
    }

    private void FailSend(TypedRequest request, Exception ex)
    {
        if (Unregister(request))
        {
            request.Complete(ex is IOException ? ex : new IOException("Sending the request failed.", ex));
        }
    }

    private ulong Register(TypedRequest request)
    {
        lock (_gate)
        {
            if (_failure is { } failure)
            {
                throw new IOException("The connection to the server is closed.", failure);
            }

            int slot;
            if (_freeCount > 0)
            {
                slot = _freeSlots[--_freeCount];
            }
            else
            {
                if (_usedSlots == _slots.Length)
                {
                    Array.Resize(ref _slots, _slots.Length * 2);
                    Array.Resize(ref _freeSlots, _freeSlots.Length * 2);
                }

                slot = _usedSlots++;
            }

            ulong id = ((ulong)(uint)slot << 32) | ++_sequence;
            _slots[slot] = request;
            request.Slot = slot;
            request.PendingId = id;
            return id;
        }
    }

    /// <summary>Takes the request waiting for <paramref name="id"/>, or null (unknown, cancelled, or a late answer).</summary>
    private TypedRequest? TakePending(ulong id)
    {
        int slot = (int)(id >> 32);
        lock (_gate)
        {
            if ((uint)slot < (uint)_usedSlots && _slots[slot] is { } request && request.PendingId == id)
            {
                Release(slot);
                return request;
            }

            return null;
        }
    }

    private void Release(int slot)
    {
        _slots[slot] = null;
        _freeSlots[_freeCount++] = slot;
    }

    private ValueTask SendAsync(ReadOnlyMemory<byte> frame)
    {
        if (!_sendLock.Wait(0))
        {
            return SendWhenFreeAsync(frame);
        }

        bool release = true;
        try
        {
            ValueTask<int> sending = _socket.SendAsync(frame, SocketFlags.None);
            if (sending.IsCompletedSuccessfully)
            {
                int sent = sending.Result;
                if (sent == frame.Length)
                {
                    return default;
                }

                release = false;
                return SendRestAsync(frame[sent..], holdsLock: true);
            }

            release = false;
            return FinishSendAsync(sending, frame);
        }
        finally
        {
            if (release)
            {
                _sendLock.Release();
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendWhenFreeAsync(ReadOnlyMemory<byte> frame)
    {
        await _sendLock.WaitAsync().ConfigureAwait(false);
        await SendRestAsync(frame, holdsLock: true).ConfigureAwait(false);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FinishSendAsync(ValueTask<int> sending, ReadOnlyMemory<byte> frame)
    {
        int sent;
        try
        {
            sent = await sending.ConfigureAwait(false);
        }
        catch
        {
            _sendLock.Release();
            throw;
        }

        await SendRestAsync(frame[sent..], holdsLock: true).ConfigureAwait(false);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendRestAsync(ReadOnlyMemory<byte> rest, bool holdsLock)
    {
        try
        {
            while (!rest.IsEmpty)
            {
                int sent = await _socket.SendAsync(rest, SocketFlags.None).ConfigureAwait(false);
                rest = rest[sent..];
            }
        }
        finally
        {
            if (holdsLock)
            {
                _sendLock.Release();
            }
        }
    }

    private async Task ReceiveLoopAsync()
    {
        byte[] buffer = new byte[ReceiveBufferSize];
        int start = 0;
        int end = 0;
        try
        {
            while (true)
            {
                while (end - start < FrameHeader.Size)
                {
                    if (start > 0)
                    {
                        buffer.AsSpan(start, end - start).CopyTo(buffer);
                        end -= start;
                        start = 0;
                    }

                    int received = await _socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None).ConfigureAwait(false);
                    if (received == 0)
                    {
                        throw new IOException("The server closed the connection.");
                    }

                    end += received;
                }

                FrameHeader header = FrameHeader.Read(buffer.AsSpan(start, FrameHeader.Size), out _, out _);
                start += FrameHeader.Size;
                if (header.PayloadLength > int.MaxValue)
                {
                    throw new InvalidDataException($"The server sent a frame of {header.PayloadLength} bytes.");
                }

                int length = (int)header.PayloadLength;
                TypedRequest? request = header.Type is FrameType.InferResponse or FrameType.Error ? TakePending(header.RequestId) : null;
                byte[]? target = request?.GetResponseBuffer(length);
                int have = Math.Min(end - start, length);
                if (target is not null)
                {
                    buffer.AsSpan(start, have).CopyTo(target);
                }

                start += have;
                int filled = have;
                while (filled < length)
                {
                    // The rest of a large payload goes straight into the request's buffer; an unwanted one is skipped.
                    int received = target is not null
                        ? await _socket.ReceiveAsync(target.AsMemory(filled, length - filled), SocketFlags.None).ConfigureAwait(false)
                        : await _socket.ReceiveAsync(buffer.AsMemory(0, Math.Min(buffer.Length, length - filled)), SocketFlags.None).ConfigureAwait(false);
                    if (received == 0)
                    {
                        throw new IOException("The server closed the connection in the middle of a frame.");
                    }

                    filled += received;
                    if (target is null)
                    {
                        start = end = 0;
                    }
                }

                if (start == end)
                {
                    start = end = 0;
                }

                request?.CompleteFromFrame(header.Type, length);
            }
        }
        catch (Exception ex)
        {
            FailAll(ex);
        }
    }

    private void FailAll(Exception ex)
    {
        var waiting = new List<TypedRequest>();
        lock (_gate)
        {
            _failure = ex;
            for (int slot = 0; slot < _usedSlots; slot++)
            {
                if (_slots[slot] is { } request)
                {
                    waiting.Add(request);
                    Release(slot);
                }
            }
        }

        foreach (TypedRequest request in waiting)
        {
            request.Complete(new IOException("The connection to the server closed before the answer arrived.", ex));
        }
    }
}
