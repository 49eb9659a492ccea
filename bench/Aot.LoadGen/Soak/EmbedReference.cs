using System.Globalization;
using System.Net;
using Aot.LoadGen.Results;
using Aot.LoadGen.Workloads;

namespace Aot.LoadGen.Soak;

/// <summary>
/// The soak's <c>/embed</c> requests and their expected vectors. The reference vector of each text is the server's own
/// answer for that text alone, asked once before any load; under load the same texts come in groups of
/// <see cref="MostTextsPerRequest"/> down to one, batched and padded with other requests' texts, and each vector must
/// keep a cosine of at least <see cref="MinCosine"/> with its reference. With the texts longest first
/// (<see cref="LongestFirst"/>), the first requests are the largest the workload holds, so the server has run its
/// largest text batch within seconds: memory it grows after that is not warm-up.
/// </summary>
internal sealed class EmbedReference : IHttpRequestSet
{
    /// <summary>Smallest cosine accepted between a vector under load and its text's reference.</summary>
    public const double MinCosine = 0.9999;

    /// <summary>Most texts in one request.</summary>
    public const int MostTextsPerRequest = 8;

    private readonly IReadOnlyList<string> _texts;
    private readonly float[][] _vectors;
    private readonly byte[][] _bodies;

    internal EmbedReference(IReadOnlyList<string> texts, float[][] vectors)
    {
        if (texts.Count == 0 || texts.Count != vectors.Length)
        {
            throw new ArgumentException($"{texts.Count} texts but {vectors.Length} reference vectors.", nameof(vectors));
        }

        _texts = texts;
        _vectors = vectors;
        _bodies = [.. Enumerable.Range(0, texts.Count * MostTextsPerRequest).Select(n =>
        {
            (int first, int count) = Texts(n);
            return JsonBodies.Embed([.. Enumerable.Range(first, count).Select(i => texts[i % texts.Count])]);
        })];
    }

    /// <summary>Asks the server for each text's vector, one text per request, before any load.</summary>
    public static async Task<EmbedReference> FetchAsync(HttpClient client, Uri url, IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var vectors = new float[texts.Count][];
        for (int i = 0; i < texts.Count; i++)
        {
            (HttpStatusCode status, byte[] body) = await HttpAnswers.PostJsonAsync(client, url, JsonBodies.Embed([texts[i]]), cancellationToken).ConfigureAwait(false);
            if (status != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"The reference vector of text {i} failed: HTTP {(int)status} {HttpAnswers.Excerpt(body)}");
            }

            vectors[i] = HttpAnswers.EmbedVectors(body).Single();
        }

        return new EmbedReference(texts, vectors);
    }

    /// <summary>The texts ordered by token count, longest first (ties in their given order).</summary>
    public static IReadOnlyList<string> LongestFirst(IReadOnlyList<string> texts) => [.. texts.OrderByDescending(EmbedTexts.TokenCount)];

    /// <summary>How many reference texts there are.</summary>
    public int Count => _texts.Count;

    public byte[] Body(int sequence) => _bodies[Index(sequence)];

    public string? Mismatch(int sequence, byte[] answer) => Mismatch(sequence, HttpAnswers.EmbedVectors(answer));

    /// <summary>Null when <paramref name="vectors"/> answer request <paramref name="sequence"/>; otherwise which text differs.</summary>
    public string? Mismatch(int sequence, float[][] vectors)
    {
        (int first, int count) = Texts(Index(sequence));
        if (vectors.Length != count)
        {
            return $"{vectors.Length} vectors for {count} texts";
        }

        for (int i = 0; i < count; i++)
        {
            int text = (first + i) % _texts.Count;
            float[] expected = _vectors[text];
            if (vectors[i].Length != expected.Length)
            {
                return $"text {text}: {vectors[i].Length} dimensions, expected {expected.Length}";
            }

            double cosine = EmbedAgreement.Cosine(vectors[i], expected);
            if (!(cosine >= MinCosine))
            {
                return string.Create(CultureInfo.InvariantCulture, $"text {text}: cosine {cosine:0.000000} with its reference (at least {MinCosine} needed)");
            }
        }

        return null;
    }

    private int Index(int sequence) => (int)((uint)sequence % (uint)_bodies.Length);

    // Request n: texts first … first + count − 1 (wrapping), every text and every group size in turn, the largest groups first.
    private (int First, int Count) Texts(int n) => (n % _texts.Count, MostTextsPerRequest - (n / _texts.Count % MostTextsPerRequest));
}
