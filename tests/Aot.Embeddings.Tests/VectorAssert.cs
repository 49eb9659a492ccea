namespace Aot.Embeddings.Tests;

internal static class VectorAssert
{
    public const double MinCosine = 0.9999;

    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        double dot = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            aa += (double)a[i] * a[i];
            bb += (double)b[i] * b[i];
        }

        return dot / Math.Sqrt(aa * bb);
    }

    public static double Norm(ReadOnlySpan<float> a)
    {
        double sum = 0;
        foreach (float v in a)
            sum += (double)v * v;
        return Math.Sqrt(sum);
    }

    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        double cosine = Cosine(expected, actual);
        Assert.True(cosine >= MinCosine, $"{what}: cosine {cosine:F7} < {MinCosine}");
    }
}
