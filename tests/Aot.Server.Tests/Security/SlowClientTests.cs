using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Aot.Client;
using Aot.Protocol.Wire;
using Aot.Server.Tests.Infrastructure;

namespace Aot.Server.Tests.Security;

/// <summary>
/// Slow clients cannot hold the server: one trickling HTTP headers, one trickling an HTTP body and one trickling a binary
/// frame, each a byte a second, are all cut off while another client's requests all complete. Bounds are generous: the
/// tests say "completes" and "is closed", never how fast.
/// </summary>
public sealed class SlowClientTests
{
    private static readonly TimeSpan CutOffBound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Clients_trickling_a_byte_a_second_are_cut_off_while_another_client_is_served()
    {
        await using ServerProcess server = await ServerProcess.StartAsync(RepoPaths.BuiltServer,
            ["--model", $"tiny={TestModels.Tiny}", "--request-headers-timeout-s", "2", "--frame-timeout-s", "2"]);
        Assert.Contains("aot: no API key: every route is open", server.Output);

        Task<string> headers = TrickleAsync(server.HttpPort, [], Encoding.ASCII.GetBytes("POST /v2/models/tiny/infer HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"));
        Task<string> body = TrickleAsync(server.HttpPort,
            Encoding.ASCII.GetBytes("POST /v2/models/tiny/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n"),
            Encoding.ASCII.GetBytes(new string(' ', 4000)));
        Task<string> frame = TrickleBinaryAsync(server.Port, new FrameHeader(200, FrameType.Ping, 42), new byte[200]);

        // Meanwhile another client's requests over HTTP and the binary protocol all complete.
        int served = 0;
        await using AotClient binary = await AotClient.ConnectAsync("127.0.0.1", server.Port);
        float[] row = [.. Enumerable.Range(0, 16).Select(static i => (float)i)];
        while (!(headers.IsCompleted && body.IsCompleted && frame.IsCompleted))
        {
            using HttpResponseMessage answer = await server.Http.PostAsync("/v2/models/tiny/infer", new StringContent(
                """{"inputs":[{"name":"x","shape":[1,16],"datatype":"FP32","data":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]}]}"""));
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            using InferResult result = await binary.InferAsync("tiny", [InputTensor.Create("x", [1, 16], row)]);
            Assert.Equal([1L, 16], result.Outputs[0].Shape);
            served++;
            await Task.Delay(50);
        }

        Assert.True(served > 0);
        Assert.StartsWith("closed after: HTTP/1.1 408", await headers);
        Assert.StartsWith("closed after: HTTP/1.1 408", await body);
        string binaryEnd = await frame;
        Assert.StartsWith("closed after an error frame for id 42, code 400:", binaryEnd);
        Assert.Contains("The frame was not complete 2 s after its first byte (--frame-timeout-s); closing the connection.", binaryEnd);
    }

    [Fact]
    public async Task Beyond_max_connections_a_new_connection_is_refused_until_one_closes()
    {
        await using ServerProcess server = await ServerProcess.StartAsync(RepoPaths.BuiltServer, ["--model", $"tiny={TestModels.Tiny}", "--max-connections", "3"]);
        var idle = new List<Socket>();
        foreach (int port in (int[])[server.HttpPort, server.HttpPort, server.HttpPort, server.Port, server.Port, server.Port])
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, port);
            idle.Add(socket);
        }

        // Each listener holds 3 now (HTTP: the readiness probe's pooled connection and 2 of ours; Kestrel closed the
        // third at once): a new connection is closed as soon as it is accepted.
        using (var fresh = new HttpClient())
        {
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => fresh.GetAsync($"http://127.0.0.1:{server.HttpPort}/v2/health/live"));
        }

        await using (AotClient binary = await AotClient.ConnectAsync("127.0.0.1", server.Port))
        {
            await Assert.ThrowsAsync<IOException>(() => binary.PingAsync());
        }

        idle.ForEach(static s => s.Dispose());
        await RetryUntilServedAsync(async () =>
        {
            using var fresh = new HttpClient();
            using HttpResponseMessage answer = await fresh.GetAsync($"http://127.0.0.1:{server.HttpPort}/v2/health/live");
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        });
        await RetryUntilServedAsync(async () =>
        {
            await using AotClient served = await AotClient.ConnectAsync("127.0.0.1", server.Port);
            await served.PingAsync();
        });
    }

    /// <summary>The server notices closed connections asynchronously: retries <paramref name="request"/> within a generous bound.</summary>
    private static async Task RetryUntilServedAsync(Func<Task> request)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await request();
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException && clock.Elapsed < CutOffBound)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Sends <paramref name="prefix"/> at once, then <paramref name="trickled"/> a byte a second until the server closes; returns what it answered.</summary>
    private static async Task<string> TrickleAsync(int port, byte[] prefix, byte[] trickled)
    {
        (Socket socket, Task<byte[]> answer) = await OpenAsync(port, prefix);
        using (socket)
        {
            await SendSlowlyAsync(socket, trickled, answer);
            byte[] received = await answer;
            return received.Length == 0 ? "closed" : "closed after: " + Encoding.ASCII.GetString(received);
        }
    }

    /// <summary>Sends a frame's header, then trickles its payload; describes the error frame the server sent before closing.</summary>
    private static async Task<string> TrickleBinaryAsync(int port, FrameHeader header, byte[] payload)
    {
        byte[] headerBytes = new byte[FrameHeader.Size];
        header.Write(headerBytes);
        (Socket socket, Task<byte[]> answer) = await OpenAsync(port, headerBytes);
        using (socket)
        {
            await SendSlowlyAsync(socket, payload, answer);
            byte[] received = await answer;
            if (received.Length < FrameHeader.Size + 6)
            {
                return $"closed after {received.Length} bytes";
            }

            FrameHeader error = FrameHeader.Read(received, out _, out _);
            ushort code = BitConverter.ToUInt16(received, FrameHeader.Size);
            string message = Encoding.UTF8.GetString(received, FrameHeader.Size + 6, received.Length - FrameHeader.Size - 6);
            return $"closed after an error frame for id {error.RequestId}, code {code}: {message}";
        }
    }

    private static async Task<(Socket Socket, Task<byte[]> Answer)> OpenAsync(int port, byte[] prefix)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        if (prefix.Length > 0)
        {
            await socket.SendAsync(prefix);
        }

        return (socket, ReadToEndAsync(socket));
    }

    /// <summary>A byte a second until the server has closed (the reader finished) or the bound passes, which fails the test.</summary>
    private static async Task SendSlowlyAsync(Socket socket, byte[] bytes, Task<byte[]> answer)
    {
        var clock = Stopwatch.StartNew();
        foreach (byte b in bytes)
        {
            if (answer.IsCompleted)
            {
                return;
            }

            Assert.True(clock.Elapsed < CutOffBound, "the server kept a client trickling a byte a second");
            try
            {
                await socket.SendAsync(new[] { b });
            }
            catch (SocketException)
            {
                return; // the server reset the connection
            }

            await Task.WhenAny(answer, Task.Delay(1000));
        }

        Assert.Fail("the whole request was trickled without the server closing the connection");
    }

    private static async Task<byte[]> ReadToEndAsync(Socket socket)
    {
        var received = new MemoryStream();
        byte[] buffer = new byte[4096];
        try
        {
            int count;
            while ((count = await socket.ReceiveAsync(buffer)) > 0)
            {
                received.Write(buffer, 0, count);
            }
        }
        catch (SocketException)
        {
            // reset by the server: closed too
        }

        return received.ToArray();
    }
}
