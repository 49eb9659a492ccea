using Aot.Protocol;
using System.Globalization;
using System.Runtime.InteropServices;
using Aot.Runtime;

namespace Aot.Quantization;

/// <summary>
/// Model inputs for calibration and evaluation: one dictionary (input name → tensor) per sample, read from a folder
/// of <c>&lt;input_name&gt;.&lt;n&gt;.npy</c> files or generated from the model's signature for smoke runs.
/// </summary>
public sealed class SampleSet
{
    /// <summary>Length given to symbolic non-batch dimensions (sequence) of generated samples.</summary>
    public const int GeneratedSequenceLength = 128;

    private SampleSet(IReadOnlyList<IReadOnlyDictionary<string, SampleTensor>> samples, string origin)
    {
        Samples = samples;
        Origin = origin;
    }

    /// <summary>The samples, in order of <c>n</c>.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, SampleTensor>> Samples { get; }

    /// <summary>Where the samples came from, for messages and metadata.</summary>
    public string Origin { get; }

    /// <summary>
    /// Reads <c>DIR/&lt;input&gt;.&lt;n&gt;.npy</c>; every sample must give every input, with the input's element
    /// type and a shape that agrees with its fixed dimensions.
    /// </summary>
    public static SampleSet Load(string folder, IReadOnlyList<TensorInfo> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!Directory.Exists(folder))
        {
            throw new QuantizationException($"The sample folder '{folder}' does not exist (expected <input_name>.<n>.npy files).");
        }

        var samples = new SortedDictionary<int, Dictionary<string, SampleTensor>>();
        foreach (string file in Directory.EnumerateFiles(folder, "*.npy"))
        {
            string stem = Path.GetFileNameWithoutExtension(file);
            int dot = stem.LastIndexOf('.');
            if (dot <= 0 || !int.TryParse(stem.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            {
                throw new QuantizationException($"'{file}': expected a name of the form <input_name>.<n>.npy (inputs: {string.Join(", ", inputs.Select(static i => i.Name))}).");
            }

            string name = stem[..dot];
            TensorInfo input = inputs.FirstOrDefault(i => i.Name == name)
                ?? throw new QuantizationException($"'{file}': the model has no input '{name}' (inputs: {string.Join(", ", inputs.Select(static i => i.Name))}).");
            SampleTensor tensor = NpyFile.Read(file);
            Check(file, input, tensor);
            if (!samples.TryGetValue(n, out var sample))
            {
                samples[n] = sample = new Dictionary<string, SampleTensor>(StringComparer.Ordinal);
            }

            sample[name] = tensor;
        }

        if (samples.Count == 0)
        {
            throw new QuantizationException($"The sample folder '{folder}' holds no .npy files (expected <input_name>.<n>.npy, e.g. {inputs[0].Name}.0.npy).");
        }

        foreach ((int n, var sample) in samples)
        {
            if (inputs.FirstOrDefault(i => !sample.ContainsKey(i.Name)) is { } missing)
            {
                throw new QuantizationException($"'{folder}': sample {n} has no '{missing.Name}.{n}.npy' (every sample needs every input).");
            }
        }

        return new SampleSet([.. samples.Values], folder);
    }

    /// <summary>
    /// Seeded random samples shaped from the signature (batch 1, symbolic sequence dimensions
    /// <see cref="GeneratedSequenceLength"/>): floats ~ N(0, 1); integer ids below <paramref name="idBound"/> of the
    /// input (the embedding table it indexes), masks 1, token types 0. Good for smoke runs, not for accuracy claims.
    /// </summary>
    public static SampleSet Generate(IReadOnlyList<TensorInfo> inputs, int count, int seed, Func<string, long?>? idBound = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var random = new Random(seed);
        var samples = new List<IReadOnlyDictionary<string, SampleTensor>>();
        for (int n = 0; n < count; n++)
        {
            var sample = new Dictionary<string, SampleTensor>(StringComparer.Ordinal);
            foreach (TensorInfo input in inputs)
            {
                long[] shape = [.. input.Shape.Select(static (d, i) => d.IsFixed ? d.Value : i == 0 ? 1 : GeneratedSequenceLength)];
                int elements = checked((int)shape.Aggregate(1L, static (a, d) => a * d));
                sample[input.Name] = new SampleTensor(input.ElementType, shape, Fill(input, elements, random, idBound?.Invoke(input.Name)));
            }

            samples.Add(sample);
        }

        return new SampleSet(samples, $"{count} generated samples (seed {seed})");
    }

    private static byte[] Fill(TensorInfo input, int elements, Random random, long? bound)
    {
        string name = input.Name.ToLowerInvariant();
        long Integer() => name.Contains("mask", StringComparison.Ordinal) ? 1
            : name.Contains("type", StringComparison.Ordinal) || name.Contains("segment", StringComparison.Ordinal) ? 0
            : random.NextInt64(Math.Min(1000, (bound ?? 100) / 2), bound ?? 100);
        switch (input.ElementType)
        {
            case ElementType.Float:
                float[] floats = new float[elements];
                for (int i = 0; i < elements; i++)
                {
                    floats[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
                }

                return MemoryMarshal.AsBytes(floats.AsSpan()).ToArray();
            case ElementType.Int64:
                long[] longs = new long[elements];
                for (int i = 0; i < elements; i++)
                {
                    longs[i] = Integer();
                }

                return MemoryMarshal.AsBytes(longs.AsSpan()).ToArray();
            case ElementType.Int32:
                int[] ints = new int[elements];
                for (int i = 0; i < elements; i++)
                {
                    ints[i] = (int)Integer();
                }

                return MemoryMarshal.AsBytes(ints.AsSpan()).ToArray();
            case ElementType.Bool:
                byte[] ones = new byte[elements];
                ones.AsSpan().Fill(1);
                return ones;
            default:
                throw new QuantizationException($"Cannot generate samples for input '{input.Name}' of type {ElementTypes.ToKServeName(input.ElementType)}; give samples as .npy files.");
        }
    }

    private static void Check(string file, TensorInfo input, SampleTensor tensor)
    {
        bool rankMatches = tensor.Shape.Length == input.Rank;
        bool dimsMatch = rankMatches && input.Shape.Select((d, i) => !d.IsFixed || d.Value == tensor.Shape[i]).All(static ok => ok);
        if (tensor.ElementType != input.ElementType || !dimsMatch)
        {
            throw new QuantizationException(
                $"'{file}' holds {ElementTypes.ToKServeName(tensor.ElementType)}[{string.Join(", ", tensor.Shape)}] but input '{input.Name}' expects {ElementTypes.ToKServeName(input.ElementType)}{input.ShapeText}.");
        }
    }
}
