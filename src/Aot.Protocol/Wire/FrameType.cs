namespace Aot.Protocol.Wire;

/// <summary>The kind of a binary-protocol frame (byte 4 of the header). See docs/protocol.md.</summary>
public enum FrameType : byte
{
    /// <summary>Client → server: run a model on the tensors in the payload.</summary>
    InferRequest = 1,

    /// <summary>Server → client: the outputs of an <see cref="InferRequest"/>.</summary>
    InferResponse = 2,

    /// <summary>Server → client: the request with this id failed; the payload holds a code and a message.</summary>
    Error = 3,

    /// <summary>Client → server: describe the server (empty model name) or one model.</summary>
    MetadataRequest = 4,

    /// <summary>Server → client: UTF-8 JSON, the same documents as the HTTP metadata endpoints.</summary>
    MetadataResponse = 5,

    /// <summary>Client → server: echo the payload back (liveness and round-trip measurement).</summary>
    Ping = 6,

    /// <summary>Server → client: the answer to a <see cref="Ping"/>, with the same payload.</summary>
    Pong = 7,

    /// <summary>
    /// Client → server: the API key (UTF-8, the whole payload). A server with keys reads nothing else from a connection
    /// until this frame carries one of them.
    /// </summary>
    Authenticate = 8,

    /// <summary>Server → client: the <see cref="Authenticate"/> frame's key was accepted (empty payload).</summary>
    Authenticated = 9,
}
