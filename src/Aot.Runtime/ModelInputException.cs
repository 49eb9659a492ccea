namespace Aot.Runtime;

/// <summary>
/// A caller's tensor does not fit the model: unknown name, wrong element type, rank or dimension. Raised before
/// ONNX Runtime is called; the message names the input and says what was expected and what was given.
/// </summary>
public class ModelInputException : ArgumentException
{
    /// <summary>Creates the exception for a named input or output.</summary>
    public ModelInputException(string inputName, string message)
        : base(message)
    {
        InputName = inputName;
    }

    /// <summary>The input (or output) the problem is about.</summary>
    public string InputName { get; }
}
