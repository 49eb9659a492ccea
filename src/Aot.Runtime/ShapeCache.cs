using Microsoft.ML.OnnxRuntime;

namespace Aot.Runtime;

/// <summary>
/// A runner's bound input-shape combinations, least recently used out first (bounds: <see cref="ShapeCacheOptions"/>).
/// An entry is one combination of input shapes with its own <see cref="OrtIoBinding"/>: inputs bound to their
/// <see cref="TensorVariant"/>s, outputs to pre-allocated variants (or to ORT's allocator while their shape is
/// unknown). Switching to a cached combination is a lookup: no OrtValue is built and nothing is bound again. One
/// binding per combination, rather than re-binding one binding to cached OrtValues, because ORT's managed
/// <c>BindInput</c>/<c>BindOutput</c> encode the name into a new UTF-8 array on every call (32 B for a short name;
/// measured in bench/Aot.Runtime.Bench/results/RunPathBenchmarks.md).
/// </summary>
internal sealed class ShapeCache : IDisposable
{
    private readonly ShapeCacheOptions _options;
    private readonly BoundTensor[] _inputs;
    private readonly BoundTensor[] _outputs;
    private readonly List<Entry> _entries = [];
    private long _clock;

    public ShapeCache(ShapeCacheOptions options, BoundTensor[] inputs, BoundTensor[] outputs)
    {
        _options = options;
        _inputs = inputs;
        _outputs = outputs;
    }

    public int Count => _entries.Count;

    /// <summary>Capacity of every pooled buffer the runner's tensors hold: what <see cref="ShapeCacheOptions.MaxBytes"/> bounds.</summary>
    public long PooledBytes
    {
        get
        {
            long bytes = 0;
            foreach (BoundTensor tensor in _inputs) bytes += tensor.PooledBytes;
            foreach (BoundTensor tensor in _outputs) bytes += tensor.PooledBytes;
            return bytes;
        }
    }

    /// <summary>The entry of the inputs' current shapes, marked most recently used; null when there is none.</summary>
    public Entry? Find()
    {
        foreach (Entry entry in _entries)
        {
            if (InputShapeKey.Matches(entry.Key, _inputs))
            {
                entry.LastUsed = ++_clock;
                return entry;
            }
        }

        return null;
    }

    /// <summary>
    /// Adds an entry for the inputs' current shapes with a new binding and the inputs' current variants bound
    /// (string inputs are bound before every run instead); its outputs are still to be resolved.
    /// </summary>
    public Entry Add(InferenceSession session)
    {
        var entry = new Entry(InputShapeKey.Create(_inputs), session.CreateIoBinding(), _inputs.Length, _outputs.Length)
        {
            LastUsed = ++_clock,
        };
        try
        {
            for (int i = 0; i < _inputs.Length; i++)
            {
                TensorVariant current = _inputs[i].Current!;
                if (current.IsPooled)
                {
                    entry.Binding.BindInput(_inputs[i].Name, current.Value);
                    current.References++;
                    entry.Inputs[i] = current;
                }
            }
        }
        catch
        {
            entry.Dispose();
            throw;
        }

        _entries.Add(entry);
        return entry;
    }

    /// <summary>Drops least recently used entries other than <paramref name="keep"/> until both bounds hold.</summary>
    public void Trim(Entry keep) => Trim(keep, _options.MaxEntries, _options.MaxBytes);

    /// <summary>Drops every entry but <paramref name="keep"/>, and with them the buffers only they held.</summary>
    public void DropAllBut(Entry keep) => Trim(keep, maxEntries: 1, maxBytes: 0);

    private void Trim(Entry keep, int maxEntries, long maxBytes)
    {
        while (_entries.Count > maxEntries || PooledBytes > maxBytes)
        {
            Entry? oldest = null;
            foreach (Entry entry in _entries)
            {
                if (!ReferenceEquals(entry, keep) && (oldest is null || entry.LastUsed < oldest.LastUsed))
                {
                    oldest = entry;
                }
            }

            if (oldest is null)
            {
                return;
            }

            _entries.Remove(oldest);
            oldest.Dispose();
        }
    }

    /// <summary>Learned output shapes were forgotten: every entry resolves its outputs again when next used.</summary>
    public void ResolveAllAgain()
    {
        foreach (Entry entry in _entries)
        {
            entry.OutputsNeedResolving = true;
        }
    }

    public void Dispose()
    {
        foreach (Entry entry in _entries)
        {
            entry.Dispose();
        }

        _entries.Clear();
    }

    /// <summary>One input-shape combination: its binding and a reference on every variant the binding holds.</summary>
    internal sealed class Entry : IDisposable
    {
        public Entry(long[] key, OrtIoBinding binding, int inputCount, int outputCount)
        {
            Key = key;
            Binding = binding;
            Inputs = new TensorVariant?[inputCount];
            Outputs = new TensorVariant?[outputCount];
        }

        public long[] Key { get; }

        public OrtIoBinding Binding { get; }

        /// <summary>Bound input variants; null for string inputs.</summary>
        public TensorVariant?[] Inputs { get; }

        /// <summary>Pre-allocated output variants; null where ORT allocates the output on each run.</summary>
        public TensorVariant?[] Outputs { get; }

        /// <summary>True until outputs are bound, and again after a run taught new output shapes.</summary>
        public bool OutputsNeedResolving { get; set; } = true;

        /// <summary>Some output is bound to ORT's allocator (an entry in <see cref="Outputs"/> is null).</summary>
        public bool HasOrtOutputs { get; set; }

        public long LastUsed { get; set; }

        /// <summary>Holds <paramref name="variant"/> for output <paramref name="index"/> (null: ORT allocates), releasing the previous one.</summary>
        public void SetOutput(int index, TensorVariant? variant)
        {
            TensorVariant? previous = Outputs[index];
            if (ReferenceEquals(previous, variant))
            {
                return;
            }

            if (variant is not null)
            {
                variant.References++;
            }

            Outputs[index] = variant;
            previous?.Owner.Release(previous);
        }

        /// <summary>Releases the binding first (it references the buffers), then the variants.</summary>
        public void Dispose()
        {
            Binding.Dispose();
            ReleaseAll(Inputs);
            ReleaseAll(Outputs);
        }

        private static void ReleaseAll(TensorVariant?[] variants)
        {
            for (int i = 0; i < variants.Length; i++)
            {
                if (variants[i] is { } variant)
                {
                    variants[i] = null;
                    variant.Owner.Release(variant);
                }
            }
        }
    }
}
