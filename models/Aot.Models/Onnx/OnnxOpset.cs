namespace Aot.Models.Onnx;

/// <summary>An ONNX <c>OperatorSetIdProto</c>: the version of an operator domain the model uses.</summary>
/// <param name="Domain">The operator domain; the empty string is the default <c>ai.onnx</c> domain.</param>
/// <param name="Version">The opset version.</param>
public sealed record OnnxOpset(string Domain, long Version)
{
    /// <summary>The default domain (<c>ai.onnx</c>) at <paramref name="version"/>.</summary>
    public static OnnxOpset Onnx(long version) => new("", version);
}
