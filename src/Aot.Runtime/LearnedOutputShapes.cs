namespace Aot.Runtime;

/// <summary>
/// Output shapes observed for a given set of input shapes. When an output's shape cannot be derived from the
/// input symbols, the first run with new input shapes lets ONNX Runtime allocate it; the shape it produced is
/// remembered here so later runs with the same input shapes write into a pre-bound buffer without allocating.
/// A small bounded list: a server sees a handful of batch sizes and sequence lengths, not thousands.
/// </summary>
internal sealed class LearnedOutputShapes
{
    private const int Capacity = 64;
    private readonly List<(long[] Inputs, long[][] Outputs)> _entries = [];

    public long[][]? Find(BoundTensor[] inputs)
    {
        foreach ((long[] key, long[][] outputs) in _entries)
        {
            if (InputShapeKey.Matches(key, inputs))
            {
                return outputs;
            }
        }

        return null;
    }

    public void Remember(BoundTensor[] inputs, long[][] outputShapes)
    {
        if (Find(inputs) is not null)
        {
            return;
        }

        if (_entries.Count == Capacity)
        {
            _entries.RemoveAt(0);
        }

        _entries.Add((InputShapeKey.Create(inputs), outputShapes));
    }

    public void Forget() => _entries.Clear();
}
