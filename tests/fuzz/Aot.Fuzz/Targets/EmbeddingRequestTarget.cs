using System.Diagnostics;
using System.Text;
using Aot.Embeddings.Protocol;
using Aot.Server.Embeddings;
using Aot.Server.Metrics;

namespace Aot.Fuzz.Targets;

/// <summary>
/// The text routes as <c>EmbeddingApi</c> runs them on MiniLM: parse the body (TEI <c>/embed</c>, <c>/embed_all</c>,
/// <c>/tokenize</c>, <c>/decode</c>, OpenAI <c>/v1/embeddings</c>), validate and tokenize it into a job, plan its encoder
/// runs and lay each run out as the encoder's inputs, which the batcher validates. Input: the route on the first line
/// (an unknown one is <c>/embed</c>), the body after it. Documented refusals: <see cref="EmbeddingRequestException"/>,
/// and what the server answers with a 4xx.
/// </summary>
internal sealed class EmbeddingRequestTarget : FuzzTarget
{
    private readonly EmbeddingEndpoint _endpoint = FuzzModels.Text.All[0].Embeddings
        ?? throw new InvalidOperationException("MiniLM was loaded without its tokenizer (vocab.txt next to the model).");

    public override string Name => "embedding-request";

    public override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        int newline = input.IndexOf((byte)'\n');
        string route = newline < 0 ? "" : Encoding.UTF8.GetString(input[..newline]);
        ReadOnlySpan<byte> body = newline < 0 ? input : input[(newline + 1)..];
        try
        {
            Handle(route, body);
            return FuzzOutcome.Accepted;
        }
        catch (EmbeddingRequestException)
        {
            return FuzzOutcome.Refused;
        }
        catch (Exception ex) when (HttpTensorTarget.IsRefusal(ex))
        {
            return FuzzOutcome.Refused;
        }
    }

    private void Handle(string route, ReadOnlySpan<byte> body)
    {
        EmbeddingService service = _endpoint.Service;
        EmbeddingJob job;
        switch (route)
        {
            case "/tokenize":
                service.Tokenize(EmbeddingService.ParseTokenizeRequest(body));
                return;
            case "/decode":
                service.Decode(EmbeddingService.ParseDecodeRequest(body));
                return;
            case "/v1/embeddings":
                OpenAIEmbeddingRequest openAI = EmbeddingService.ParseOpenAIRequest(body);
                if (openAI.Model is { } name && name != _endpoint.Served.Name)
                {
                    throw new EmbeddingRequestException(404, "validation", $"The model '{name}' does not exist or does not take text.");
                }

                job = service.Prepare(openAI);
                break;
            default:
                job = service.Prepare(EmbeddingService.ParseEmbedRequest(body), allTokens: route == "/embed_all");
                break;
        }

        // EmbeddingApi.Split: one request per run of similar length, each laid out as encoder inputs and validated.
        int[] ends = _endpoint.PlanRuns(job, out int[] order);
        long received = Stopwatch.GetTimestamp();
        for (int p = 0, start = 0; p < ends.Length; start = ends[p++])
        {
            EmbeddingInferenceRequest part = _endpoint.Requests.Get();
            part.Begin(received, CancellationToken.None);
            try
            {
                part.SetJob(job, order.AsMemory(start, ends[p] - start));
                _endpoint.Served.Batcher.Validate(part.Inputs);
            }
            finally
            {
                part.Release(RequestOutcome.Success);
            }
        }
    }
}
