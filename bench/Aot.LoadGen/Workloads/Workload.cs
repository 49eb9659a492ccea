using Aot.Client;
using Aot.Client.Protocol;

namespace Aot.LoadGen.Workloads;

/// <summary>
/// One benchmark case's request: which model (by <see cref="Aot.Models.ModelStore"/> name), under which name it is
/// served, and the exact input tensors every system gets. The request bodies of every protocol are built once
/// from the same tensors, so each system receives the same numbers.
/// </summary>
internal sealed class Workload
{
    private readonly Lazy<byte[]> _kserveBody;
    private readonly Lazy<byte[]> _peerBody;
    private readonly Lazy<byte[]> _binaryFrame;

    public Workload(string name, string model, string description, IReadOnlyList<TensorData> inputs)
    {
        Name = name;
        Model = model;
        Description = description;
        Inputs = inputs;
        BinaryInputs = [.. inputs.Select(input => input.ToInputTensor())];
        _kserveBody = new(() => JsonBodies.KServe(inputs));
        _peerBody = new(() => JsonBodies.Peer(inputs));
        _binaryFrame = new(BuildFrame);
    }

    /// <summary>Case name in the results, e.g. <c>minilm-s128</c>.</summary>
    public string Name { get; }

    /// <summary>Model name in <see cref="Aot.Models.ModelStore"/>; also the name it is served under.</summary>
    public string Model { get; }

    /// <summary>What the request is, for the report.</summary>
    public string Description { get; }

    /// <summary>The input tensors.</summary>
    public IReadOnlyList<TensorData> Inputs { get; }

    /// <summary>The inputs as the binary client takes them.</summary>
    public IReadOnlyList<InputTensor> BinaryInputs { get; }

    /// <summary>KServe V2 JSON request body (all outputs returned).</summary>
    public byte[] KServeBody => _kserveBody.Value;

    /// <summary>The peers' plain JSON request body (see <c>bench/peers/README.md</c>).</summary>
    public byte[] PeerBody => _peerBody.Value;

    /// <summary>The binary-protocol InferRequest frame (header included): what the echo floor sends.</summary>
    public byte[] BinaryFrame => _binaryFrame.Value;

    private byte[] BuildFrame()
    {
        byte[] frame = new byte[InferRequestEncoder.GetFrameSize(Model, BinaryInputs, null)];
        int length = InferRequestEncoder.Write(frame, 1, Model, 0, 0, BinaryInputs, null);
        return frame.AsSpan(0, length).ToArray();
    }

    public override string ToString() => Name;
}
