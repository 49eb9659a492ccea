namespace Aot.Fuzz;

/// <summary>What a target made of one input.</summary>
public enum FuzzOutcome
{
    /// <summary>The input was read through to the end, as a valid request, frame or file.</summary>
    Accepted,

    /// <summary>The input was refused with the error the product documents for bad input (a 4xx, a wire error, a named file error).</summary>
    Refused,
}

/// <summary>
/// One parser driven the way the product drives it. <see cref="Run"/> returns for accepted input and for input
/// refused with the parser's documented error; every other exception escapes, and afl-fuzz records it as a crash.
/// </summary>
public abstract class FuzzTarget
{
    /// <summary>The name given on the command line and the folder of its corpus (tests/fuzz/corpus/NAME).</summary>
    public abstract string Name { get; }

    /// <summary>Runs one input through the parser.</summary>
    public abstract FuzzOutcome Run(ReadOnlySpan<byte> input);
}
