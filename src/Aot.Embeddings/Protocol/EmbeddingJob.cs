namespace Aot.Embeddings.Protocol;

/// <summary>
/// A validated, tokenized embedding request, ready for a batch: its rows go into
/// <see cref="EmbeddingRunner.Run"/> (alone or concatenated with other jobs' rows), then
/// <see cref="PoolFrom"/> fills <see cref="Vectors"/> with this request's own normalise/dimensions choices.
/// </summary>
public sealed class EmbeddingJob
{
    internal EmbeddingJob(ReadOnlyMemory<long>[] rows, bool normalize, int dimensions, bool base64, string? model)
    {
        Rows = rows;
        Normalize = normalize;
        Dimensions = dimensions;
        Base64 = base64;
        Model = model;
        Vectors = new float[rows.Length][];
        foreach (ReadOnlyMemory<long> row in rows)
            PromptTokens += row.Length;
    }

    /// <summary>One row of token ids per text (<c>[CLS]</c> … <c>[SEP]</c>), in input order.</summary>
    public IReadOnlyList<ReadOnlyMemory<long>> Rows { get; }

    /// <summary>L2-normalise each vector.</summary>
    public bool Normalize { get; }

    /// <summary>Length of each vector.</summary>
    public int Dimensions { get; }

    /// <summary>OpenAI <c>encoding_format: base64</c>.</summary>
    public bool Base64 { get; }

    /// <summary>The model the request named (OpenAI), if any.</summary>
    public string? Model { get; }

    /// <summary>Tokens over all rows, special tokens included (OpenAI <c>usage</c>; TEI counts the same way).</summary>
    public int PromptTokens { get; }

    /// <summary>The results, filled by <see cref="PoolFrom"/>.</summary>
    public float[][] Vectors { get; }

    /// <summary>
    /// Pools this job's rows from the runner's last batch, in which they were placed from row
    /// <paramref name="firstRow"/> on.
    /// </summary>
    public void PoolFrom(EmbeddingRunner runner, int firstRow)
    {
        ArgumentNullException.ThrowIfNull(runner);
        for (int i = 0; i < Vectors.Length; i++)
        {
            float[] vector = Vectors[i] ??= new float[Dimensions];
            runner.Pool(firstRow + i, vector, Normalize);
        }
    }
}
