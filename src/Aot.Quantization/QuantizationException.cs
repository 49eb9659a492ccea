namespace Aot.Quantization;

/// <summary>
/// A problem the user can act on (missing or non-ONNX file, unwritable output, calibration data of the wrong shape):
/// the message names the file and what was expected, and the CLI prints it as one line.
/// </summary>
public sealed class QuantizationException : Exception
{
    /// <summary>Creates the exception with a message for the user.</summary>
    public QuantizationException(string message) : base(message) { }

    /// <summary>Creates the exception with a message for the user and its cause.</summary>
    public QuantizationException(string message, Exception inner) : base(message, inner) { }

    /// <summary>For serializers and analyzers; prefer the constructors with a message.</summary>
    public QuantizationException() { }
}
