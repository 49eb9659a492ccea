namespace Aot.LoadGen.Results;

/// <summary>
/// Whether two systems' <c>/embed</c> answers to the same texts are the same vectors: pairwise cosine per text, the
/// smallest and the mean. Systems that do the same work (same model, same tokenisation, mean pooling, L2 norm)
/// agree to ≥ <see cref="Threshold"/>; a mismatch fails the run, because its throughput would not be comparable.
/// </summary>
internal sealed record EmbedAgreement(string Workload, string SystemA, string SystemB, int Texts, int Dimensions, double MinCosine, double MeanCosine, string? Problem)
{
    /// <summary>Smallest cosine accepted between two systems' vectors of one text.</summary>
    public const double Threshold = 0.999;

    /// <summary>Whether the two systems agree on every text.</summary>
    public bool Agrees => Problem is null && MinCosine >= Threshold;

    /// <summary>Compares two answers (one vector per text, in request order).</summary>
    public static EmbedAgreement Compare(string workload, string systemA, float[][] a, string systemB, float[][] b)
    {
        if (a.Length != b.Length || a.Length == 0)
        {
            return new(workload, systemA, systemB, Math.Min(a.Length, b.Length), 0, 0, 0, $"{systemA} answered {a.Length} vectors, {systemB} {b.Length}");
        }

        int dimensions = a[0].Length;
        if (a.Concat(b).Any(v => v.Length != dimensions) || dimensions == 0)
        {
            return new(workload, systemA, systemB, a.Length, dimensions, 0, 0,
                $"vector lengths differ: {systemA} {string.Join("/", a.Select(v => v.Length).Distinct())}, {systemB} {string.Join("/", b.Select(v => v.Length).Distinct())}");
        }

        double[] cosines = [.. a.Zip(b, Cosine)];
        return new(workload, systemA, systemB, a.Length, dimensions, cosines.Min(), cosines.Average(), null);
    }

    /// <summary>Cosine of two equally long vectors (0 when either is all zeros).</summary>
    public static double Cosine(float[] x, float[] y)
    {
        double dot = 0, xx = 0, yy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            dot += (double)x[i] * y[i];
            xx += (double)x[i] * x[i];
            yy += (double)y[i] * y[i];
        }

        return xx == 0 || yy == 0 ? 0 : dot / Math.Sqrt(xx * yy);
    }
}
