using Aot.Client.Protocol;
using Aot.Client;

namespace Aot.LoadGen.Workloads;

/// <summary>
/// One benchmark case's request: which model (by <see cref="Aot.Models.ModelStore"/> name), under which name it is
/// served, and the exact request every system gets. A tensor workload holds input tensors, and the request bodies of
/// every protocol are built once from them, so each system receives the same numbers; an embedding workload holds
/// texts and one TEI-style <c>POST /embed</c> body.
/// </summary>
internal sealed class Workload
{
    private readonly Lazy<byte[]> _kserveBody;
    private readonly Lazy<byte[]> _peerBody;
    private readonly Lazy<byte[]> _binaryFrame;

    /// <summary>A tensor workload: <paramref name="inputs"/> go to the model as they are.</summary>
    public Workload(string name, string model, string description, IReadOnlyList<TensorData> inputs)
        : this(name, model, model, description, inputs, texts: null)
    {
    }

    private Workload(string name, string model, string storeName, string description, IReadOnlyList<TensorData> inputs, IReadOnlyList<string>? texts)
    {
        Name = name;
        Model = model;
        StoreName = storeName;
        Description = description;
        Inputs = inputs;
        Texts = texts;
        BinaryInputs = [.. inputs.Select(input => input.ToInputTensor())];
        _kserveBody = new(() => JsonBodies.KServe(inputs));
        _peerBody = new(() => JsonBodies.Peer(inputs));
        _binaryFrame = new(BuildFrame);
        EmbedBody = texts is null ? null : JsonBodies.Embed(texts);
        Padding = texts is null ? null : EmbedPadding.Of([.. texts.Select(EmbedTexts.TokenCount)]);
    }

    /// <summary>
    /// An embedding workload: <paramref name="texts"/> posted to <c>/embed</c> (one text as a JSON string, several as
    /// an array) with <c>"normalize": true</c>; <paramref name="model"/> names the server setup (model + tokenizer),
    /// <paramref name="storeName"/> the model file.
    /// </summary>
    public static Workload Embedding(string name, string model, string storeName, string description, IReadOnlyList<string> texts) =>
        new(name, model, storeName, description, [], texts);

    /// <summary>Case name in the results, e.g. <c>minilm-s128</c>.</summary>
    public string Name { get; }

    /// <summary>
    /// The server setup the case runs against, the name it is served under and the <c>model</c> of its records:
    /// the <see cref="Aot.Models.ModelStore"/> name for a tensor workload, e.g. <c>minilm-embed</c> for an embedding one.
    /// </summary>
    public string Model { get; }

    /// <summary>The model's <see cref="Aot.Models.ModelStore"/> name (its file).</summary>
    public string StoreName { get; }

    /// <summary>What the request is, for the report.</summary>
    public string Description { get; }

    /// <summary>The input tensors (none for an embedding workload).</summary>
    public IReadOnlyList<TensorData> Inputs { get; }

    /// <summary>The texts of an embedding workload; null for a tensor workload.</summary>
    public IReadOnlyList<string>? Texts { get; }

    /// <summary>Whether this is an embedding workload (<c>POST /embed</c>, texts in, vectors out).</summary>
    public bool IsEmbedding => Texts is not null;

    /// <summary>The inputs as the binary client takes them.</summary>
    public IReadOnlyList<InputTensor> BinaryInputs { get; }

    /// <summary>KServe V2 JSON request body (all outputs returned).</summary>
    public byte[] KServeBody => _kserveBody.Value;

    /// <summary>The peers' plain JSON request body (see <c>bench/peers/README.md</c>).</summary>
    public byte[] PeerBody => _peerBody.Value;

    /// <summary>The TEI-style <c>/embed</c> body of an embedding workload; null for a tensor workload.</summary>
    public byte[]? EmbedBody { get; }

    /// <summary>The padding the body's texts cost in one batch; null for a tensor workload.</summary>
    public EmbedPadding? Padding { get; }

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
