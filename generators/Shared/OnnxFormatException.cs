using System;

namespace Aot.Generators.Onnx;

/// <summary>The bytes are not a readable ONNX model. The message says where and why, never which file: callers add the path.</summary>
internal sealed class OnnxFormatException : Exception
{
    public OnnxFormatException(string message)
        : base(message)
    {
    }
}
