namespace Aot.Runtime;

/// <summary>
/// Works out, for the inputs' current shapes, the shape each output will have, so the runner can bind a
/// pre-allocated buffer instead of letting ONNX Runtime allocate one on every run. A shape is known when every
/// symbolic dimension of the output also appears on an input, or when a run with the same input shapes showed it
/// (<see cref="LearnedOutputShapes"/>); outputs whose shape turned out to depend on input values are never guessed.
/// </summary>
internal sealed class OutputShapeResolver
{
    private readonly BoundTensor[] _inputs;
    private readonly BoundTensor[] _outputs;
    private readonly LearnedOutputShapes _learned = new();

    public OutputShapeResolver(BoundTensor[] inputs, BoundTensor[] outputs)
    {
        _inputs = inputs;
        _outputs = outputs;
    }

    /// <summary>The output shapes learned for the inputs' current shapes, if a run has shown them.</summary>
    public long[][]? FindLearned() => _learned.Find(_inputs);

    /// <summary>
    /// The shape output <paramref name="index"/> will have, or null when only running the model can tell
    /// (strings, data-dependent shapes, symbols no input carries and nothing learned).
    /// </summary>
    public long[]? KnownShape(int index, long[][]? learned)
    {
        BoundTensor output = _outputs[index];
        return output.Info.ElementType == ElementType.String || output.ShapeIsDataDependent
            ? null
            : ShapeFromSymbols(output.Info) ?? learned?[index];
    }

    /// <summary>Whether a run's output shape can be reused for later runs with the same input shapes.</summary>
    public bool IsLearnable(int index)
    {
        BoundTensor output = _outputs[index];
        return output.Info.ElementType != ElementType.String && !output.ShapeIsDataDependent;
    }

    /// <summary>Remembers the output shapes of a run for the inputs' current shapes.</summary>
    public void Remember(long[][] shapes) => _learned.Remember(_inputs, shapes);

    /// <summary>
    /// A run failed with outputs bound to learned shapes: those outputs' shapes depend on input values, not only
    /// input shapes. Marks them so they are never pre-allocated again and forgets what was learned; returns
    /// whether any output changed (otherwise the failure had another cause).
    /// </summary>
    public bool MarkLearnedAsDataDependent(TensorVariant?[] boundOutputs)
    {
        bool changed = false;
        for (int i = 0; i < _outputs.Length; i++)
        {
            BoundTensor output = _outputs[i];
            if (boundOutputs[i] is not null && !output.ShapeIsDataDependent && ShapeFromSymbols(output.Info) is null)
            {
                output.ShapeIsDataDependent = true;
                changed = true;
            }
        }

        if (changed)
        {
            _learned.Forget();
        }

        return changed;
    }

    public static long Product(ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (long d in shape)
        {
            count *= d;
        }

        return count;
    }

    private long[]? ShapeFromSymbols(TensorInfo output)
    {
        var shape = new long[output.Rank];
        for (int d = 0; d < shape.Length; d++)
        {
            Dimension dim = output.Shape[d];
            if (dim.IsFixed)
            {
                shape[d] = dim.Value;
            }
            else if (dim.Symbol is null || !TryFindSymbol(dim.Symbol, out shape[d]))
            {
                return null;
            }
        }

        return shape;
    }

    private bool TryFindSymbol(string symbol, out long value)
    {
        foreach (BoundTensor input in _inputs)
        {
            IReadOnlyList<Dimension> declared = input.Info.Shape;
            for (int d = 0; d < declared.Count; d++)
            {
                if (declared[d].Symbol == symbol)
                {
                    value = input.Shape[d];
                    return true;
                }
            }
        }

        value = 0;
        return false;
    }
}
