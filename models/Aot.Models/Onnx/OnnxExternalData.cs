namespace Aot.Models.Onnx;

/// <summary>
/// Where a tensor's bytes live when they are outside the model file (<c>TensorProto.external_data</c>):
/// a path relative to the model's directory, an offset and a length.
/// </summary>
public sealed record OnnxExternalData(string Location, long Offset, long Length);
