namespace Aot.Runtime;

/// <summary>A loaded model does not have the signature the code was compiled against.</summary>
public sealed class ModelSignatureMismatchException : Exception
{
    /// <summary>Creates the exception; the message lists every difference, one per line.</summary>
    public ModelSignatureMismatchException(string source, IReadOnlyList<string> differences)
        : base($"The model '{source}' does not match the signature compiled into this program:{Environment.NewLine}  - "
               + string.Join(Environment.NewLine + "  - ", differences))
    {
        ModelSource = source;
        Differences = differences;
    }

    /// <summary>The model's path or in-memory name.</summary>
    public string ModelSource { get; }

    /// <summary>Each difference in words, e.g. <c>input 'x': element type is FP16, compiled for FP32</c>.</summary>
    public IReadOnlyList<string> Differences { get; }
}
