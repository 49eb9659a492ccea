using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Aot.Client.Protocol;
using Aot.Protocol;
using Aot.Protocol.Wire;

namespace Aot.Client;

/// <summary>
/// A client of the Aot binary protocol over one connection (TCP or Unix domain socket). Thread-safe and
/// multiplexed: any number of requests may be in flight at once; each is matched to its answer by request id,
/// answers arrive in completion order. Request frames are built in pooled buffers, responses read into pooled
/// buffers owned by the <see cref="InferResult"/> until it is disposed.
/// </summary>
public sealed class AotClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<Frame>> _pending = new();
    private readonly Task _readLoop;
    private readonly CancellationTokenSource _closing = new();
    private long _nextId;
    private Exception? _failure;

    private AotClient(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>Connects to <paramref name="host"/>:<paramref name="port"/> over TCP.</summary>
    public static Task<AotClient> ConnectAsync(string host, int port, CancellationToken cancellationToken = default) =>
        ConnectAsync(new DnsEndPoint(host, port), cancellationToken);

    /// <summary>Connects to a Unix domain socket path.</summary>
    public static Task<AotClient> ConnectUnixAsync(string path, CancellationToken cancellationToken = default) =>
        ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);

    /// <summary>Connects to an endpoint: <see cref="IPEndPoint"/>, <see cref="DnsEndPoint"/> or <see cref="UnixDomainSocketEndPoint"/>.</summary>
    public static Task<AotClient> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken = default) =>
        ConnectAsync(endpoint, options: null, cancellationToken);

    /// <summary>Connects to <paramref name="host"/>:<paramref name="port"/> over TCP with <paramref name="options"/> (the API key).</summary>
    public static Task<AotClient> ConnectAsync(string host, int port, AotConnectionOptions? options, CancellationToken cancellationToken = default) =>
        ConnectAsync(new DnsEndPoint(host, port), options, cancellationToken);

    /// <summary>Connects to a Unix domain socket path with <paramref name="options"/> (the API key).</summary>
    public static Task<AotClient> ConnectUnixAsync(string path, AotConnectionOptions? options, CancellationToken cancellationToken = default) =>
        ConnectAsync(new UnixDomainSocketEndPoint(path), options, cancellationToken);

    /// <summary>
    /// Connects to an endpoint, over TLS when <paramref name="options"/> asks for it, and, when it has an API key,
    /// authenticates with it before returning.
    /// </summary>
    /// <exception cref="AotServerException">The server refused the key.</exception>
    public static async Task<AotClient> ConnectAsync(EndPoint endpoint, AotConnectionOptions? options, CancellationToken cancellationToken = default)
    {
        Socket socket = await BinarySocket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            if (options?.Tls is { } tls)
            {
                var secure = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = secure;
                await secure.AuthenticateAsClientAsync(tls, cancellationToken).ConfigureAwait(false);
            }

            if (options?.ApiKey is { } apiKey)
            {
                await Authentication.AuthenticateAsync(stream, apiKey, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new AotClient(socket, stream);
    }

    /// <summary>Runs <paramref name="model"/> on <paramref name="inputs"/>.</summary>
    /// <exception cref="AotServerException">The server answered with an error (bad input, unknown model, overload …).</exception>
    public async Task<InferResult> InferAsync(string model, IReadOnlyList<InputTensor> inputs, InferOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        options ??= new InferOptions();
        uint timeoutMicros = options.Timeout is { } timeout ? (uint)Math.Clamp(timeout.Ticks / 10, 1, uint.MaxValue) : 0;
        int size = InferRequestEncoder.GetFrameSize(model, inputs, options.Outputs);
        ulong id = NextId();
        byte[] frame = ArrayPool<byte>.Shared.Rent(size);
        Task<Frame> answer;
        try
        {
            int length = InferRequestEncoder.Write(frame, id, model, options.Version, timeoutMicros, inputs, options.Outputs);
            answer = await SendAsync(id, frame.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }

        Frame response = await answer.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (response.Type == FrameType.InferResponse)
        {
            return new InferResult(response.Buffer, InferResponseDecoder.ReadOutputs(response.Buffer, response.Length));
        }

        throw ToException(response);
    }

    /// <summary>The server's metadata document (null <paramref name="model"/>) or a model's, as JSON text.</summary>
    public async Task<string> GetMetadataJsonAsync(string? model = null, long version = 0, CancellationToken cancellationToken = default)
    {
        byte[] frame = new byte[FrameHeader.Size + 2 + Encoding.UTF8.GetMaxByteCount(model?.Length ?? 0) + 8];
        int at = FrameHeader.Size + InferRequestEncoder.WriteName(frame.AsSpan(FrameHeader.Size), model ?? "");
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(frame.AsSpan(at), version);
        at += 8;
        ulong id = NextId();
        new FrameHeader((uint)(at - FrameHeader.Size), FrameType.MetadataRequest, id).Write(frame);
        Task<Frame> answer = await SendAsync(id, frame.AsMemory(0, at), cancellationToken).ConfigureAwait(false);
        Frame response = await answer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return response.Type == FrameType.MetadataResponse
                ? Encoding.UTF8.GetString(response.Buffer, 0, response.Length)
                : throw ToException(response);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(response.Buffer);
        }
    }

    /// <summary>Sends a Ping with <paramref name="payload"/> and waits for the Pong; returns the round-trip time.</summary>
    public async Task<TimeSpan> PingAsync(ReadOnlyMemory<byte> payload = default, CancellationToken cancellationToken = default)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        byte[] frame = ArrayPool<byte>.Shared.Rent(FrameHeader.Size + payload.Length);
        ulong id = NextId();
        Task<Frame> answer;
        try
        {
            new FrameHeader((uint)payload.Length, FrameType.Ping, id).Write(frame);
            payload.Span.CopyTo(frame.AsSpan(FrameHeader.Size));
            answer = await SendAsync(id, frame.AsMemory(0, FrameHeader.Size + payload.Length), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }

        Frame response = await answer.WaitAsync(cancellationToken).ConfigureAwait(false);
        ArrayPool<byte>.Shared.Return(response.Buffer);
        return response.Type == FrameType.Pong ? System.Diagnostics.Stopwatch.GetElapsedTime(started) : throw ToException(response);
    }

    /// <summary>Sends raw bytes as they are (for tests of the server's handling of malformed input).</summary>
    internal async Task SendRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Registers a waiter for <paramref name="id"/> and sends a complete frame.</summary>
    internal async Task<Task<Frame>> SendAsync(ulong id, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        if (_failure is { } failure)
        {
            throw new IOException("The connection to the server is closed.", failure);
        }

        var completion = new TaskCompletionSource<Frame>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = completion;
        try
        {
            await SendRawAsync(frame, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _pending.TryRemove(id, out _);
            throw;
        }

        return completion.Task;
    }

    /// <summary>Waits for the answer to a request sent with <see cref="SendRawAsync"/>.</summary>
    internal Task<Frame> ExpectAnswer(ulong id)
    {
        var completion = new TaskCompletionSource<Frame>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = completion;
        return completion.Task;
    }

    /// <summary>Closes the connection; requests still waiting fail with <see cref="IOException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        _closing.Cancel();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }

        await _stream.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _readLoop.ConfigureAwait(false);
        }
        catch (Exception)
        {
        }

        _writeLock.Dispose();
        _closing.Dispose();
    }

    private ulong NextId() => (ulong)Interlocked.Increment(ref _nextId);

    private static AotServerException ToException(Frame response)
    {
        try
        {
            if (response.Type == FrameType.Error)
            {
                (ErrorCode code, string message) = InferResponseDecoder.ReadError(response.Buffer.AsSpan(0, response.Length));
                return new AotServerException(code, message);
            }

            return new AotServerException(ErrorCode.InternalError, $"Unexpected frame type {response.Type}.");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(response.Buffer);
        }
    }

    private async Task ReadLoopAsync()
    {
        PipeReader reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true, bufferSize: 65536));
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync(_closing.Token).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                while (TryReadFrame(ref buffer, out FrameHeader header, out byte[] payload))
                {
                    if (_pending.TryRemove(header.RequestId, out TaskCompletionSource<Frame>? waiter))
                    {
                        waiter.TrySetResult(new Frame(header.Type, payload, (int)header.PayloadLength));
                    }
                    else
                    {
                        ArrayPool<byte>.Shared.Return(payload);
                    }
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    throw new IOException("The server closed the connection.");
                }
            }
        }
        catch (Exception ex)
        {
            _failure = ex;
            foreach (ulong id in _pending.Keys)
            {
                if (_pending.TryRemove(id, out TaskCompletionSource<Frame>? waiter))
                {
                    waiter.TrySetException(new IOException("The connection to the server closed before the answer arrived.", ex));
                }
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out FrameHeader header, out byte[] payload)
    {
        header = default;
        payload = [];
        if (buffer.Length < FrameHeader.Size)
        {
            return false;
        }

        Span<byte> headerBytes = stackalloc byte[FrameHeader.Size];
        buffer.Slice(0, FrameHeader.Size).CopyTo(headerBytes);
        header = FrameHeader.Read(headerBytes, out _, out _);
        if (buffer.Length < FrameHeader.Size + header.PayloadLength)
        {
            return false;
        }

        payload = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, header.PayloadLength));
        buffer.Slice(FrameHeader.Size, header.PayloadLength).CopyTo(payload);
        buffer = buffer.Slice(FrameHeader.Size + header.PayloadLength);
        return true;
    }

    /// <summary>A received frame: its type and its payload in a pooled buffer.</summary>
    internal readonly record struct Frame(FrameType Type, byte[] Buffer, int Length);
}
