namespace Aot.Runtime;

/// <summary>A model could not be loaded; the message names the file (or in-memory source) and the cause.</summary>
public class ModelLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelLoadException(string source, string message, Exception? inner = null)
        : base(message, inner)
    {
        ModelSource = source;
    }

    /// <summary>The model's path, or the name given to an in-memory model.</summary>
    public string ModelSource { get; }
}
