using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Aot.Embeddings.Protocol;
using Aot.Server.Embeddings;
using Aot.Server.Http;
using Aot.Server.Metrics;
using Aot.Server.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aot.Server.Classification;

/// <summary>
/// TEI's sequence-classification routes for the served classifiers: <c>POST /predict</c> (a text, a pair or a batch of
/// either → labels with scores) and <c>POST /rerank</c> (a query against texts → texts by relevance), also under
/// <c>/models/{model}/...</c>; <see cref="EmbeddingApi"/> hands <c>POST /</c> and <c>/info</c> of a classifier here.
/// The rows run on the model's batcher like every other request; errors are TEI's <c>{"error", "error_type"}</c>.
/// </summary>
internal sealed class ClassificationApi
{
    private readonly ModelRepository _repository;
    private readonly long _maxPayloadBytes;

    private readonly SnapshotView<ClassifierEndpoint[]> _endpoints;

    public ClassificationApi(ModelRepository repository, long maxPayloadBytes)
    {
        _repository = repository;
        _maxPayloadBytes = maxPayloadBytes;
        // As for embeddings, the first classifier given on the command line answers when a request names none.
        _endpoints = new(repository, static current => [.. current.InOrderGiven.Where(m => current.Find(m.Name, null) == m).Select(static m => m.Classifier).OfType<ClassifierEndpoint>()]);
    }

    /// <summary>The newest ready version of each classifier, in the order given.</summary>
    public ClassifierEndpoint[] Endpoints => _endpoints.Value;

    public void Map(IEndpointRouteBuilder app)
    {
        foreach (string prefix in (string[])["", "/models/{model}"])
        {
            app.MapPost(prefix + "/predict", context => HandleAsync(context, rerank: false));
            app.MapPost(prefix + "/rerank", context => HandleAsync(context, rerank: true));
        }
    }

    public ClassifierEndpoint? Find(string? name) =>
        name is null ? null : Array.Find(Endpoints, e => string.Equals(e.Served.Name, name, StringComparison.Ordinal));

    public async Task HandleAsync(HttpContext context, bool rerank)
    {
        long received = Stopwatch.GetTimestamp();
        ClassifierEndpoint? endpoint = null;
        ClassifierInferenceRequest? request = null;
        ClassifierEndpoint? leased = null;
        RequestOutcome outcome = RequestOutcome.Success;
        try
        {
            // Leased: a classifier unloaded meanwhile finishes this request first (a retired one is resolved again).
            do
            {
                endpoint = Resolve(context);
            }
            while (!endpoint.Served.TryLease());

            leased = endpoint;
            using RequestBody body = await RequestBody.ReadAsync(context.Request, _maxPayloadBytes, context.RequestAborted).ConfigureAwait(false);
            PredictRequest? predict = null;
            RerankRequest? ranked = null;
            ClassificationJob job;
            int maxLength = endpoint.MaxSequenceLength;
            if (rerank)
            {
                ranked = ClassificationRequests.ParseRerank(body.Span, endpoint.Source.Service.MaxClientBatchSize);
                job = Tokenize(endpoint, [.. ranked.Texts.Select(t => (ranked.Query, (string?)t))], maxLength, ranked.Truncate, ranked.Direction);
            }
            else
            {
                predict = ClassificationRequests.ParsePredict(body.Span, endpoint.Source.Service.MaxClientBatchSize);
                job = Tokenize(endpoint, predict.Rows, maxLength, predict.Truncate, predict.Direction);
            }

            long tokenized = Stopwatch.GetTimestamp();
            request = endpoint.Requests.Get();
            request.Begin(received, context.RequestAborted);
            HttpDeadline.Apply(context.Request, request);
            request.SetJob(job);
            await request.RunAsync().ConfigureAwait(false);

            if (ranked is not null)
                ClassificationResponses.WriteRerank(request.Json, ranked, job.Logits, endpoint.Labels.Length);
            else
                ClassificationResponses.WritePredict(request.Json, predict!, job.Logits, endpoint.Labels);
            request.Json.Flush();

            HttpResponse response = context.Response;
            response.Headers["x-compute-type"] = endpoint.ComputeType;
            response.Headers["x-compute-tokens"] = job.PromptTokens.ToString(CultureInfo.InvariantCulture);
            response.Headers["x-tokenization-time"] = Milliseconds(tokenized - received);
            response.Headers["x-queue-time"] = Milliseconds(request.QueueTicks);
            response.Headers["x-inference-time"] = Milliseconds(request.ComputeTicks);
            response.Headers["x-total-time"] = Milliseconds(Stopwatch.GetTimestamp() - received);
            response.StatusCode = 200;
            response.ContentType = "application/json";
            response.ContentLength = request.Body.WrittenCount;
            await response.Body.WriteAsync(request.Body.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            outcome = await EmbeddingResponses.WriteFailureAsync(context, openAI: false, ex).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            outcome = RequestOutcome.Cancelled;
        }
        finally
        {
            // A request refused before the batcher counts for the classifier it named, as on the embedding routes.
            if (request is null && endpoint is not null)
            {
                request = endpoint.Requests.Get();
                request.Begin(received, context.RequestAborted);
            }

            request?.Release(outcome);
            leased?.Served.EndLease();
        }
    }

    private static ClassificationJob Tokenize(ClassifierEndpoint endpoint, IReadOnlyList<(string, string?)> rows, int maxLength, bool? truncate,
        Aot.Embeddings.Tokenization.TruncationDirection direction)
    {
        try
        {
            return new ClassificationJob(endpoint.Tokenizer, rows, maxLength, truncate ?? endpoint.Source.Service.AutoTruncate, direction);
        }
        catch (Aot.Embeddings.Tokenization.InputTooLongException ex)
        {
            throw new EmbeddingRequestException(413, "validation", ex.Message, ex);
        }
    }

    /// <summary>
    /// The classifier a request is for, chosen as on the embedding routes (route <c>{model}</c>, <c>X-Model</c>,
    /// <c>?model=</c>, else the first classifier given). An embedding model is refused naming what it is.
    /// </summary>
    private ClassifierEndpoint Resolve(HttpContext context)
    {
        string? name = EmbeddingApi.RequestedModel(context);
        if (name is null)
        {
            return Endpoints.Length > 0 ? Endpoints[0]
                : throw new EmbeddingRequestException(404, "validation",
                    "No served model is a sequence classifier (a text model whose output is [batch, labels]); /predict and /rerank need one. " +
                    $"Served models: {string.Join(", ", _repository.Latest.Select(static m => m.Name))}.");
        }

        if (Find(name) is { } found)
            return found;
        if (_repository.Find(name, null) is { Embeddings: not null })
            throw new EmbeddingRequestException(400, "validation",
                $"Model '{name}' is an embedding model: it answers /embed, not /predict or /rerank, which need a sequence classifier.");
        throw new EmbeddingRequestException(404, "validation",
            $"The model '{name}' does not exist or is not a sequence classifier. Classifiers: {string.Join(", ", Endpoints.Select(static e => e.Served.Name))}.");
    }

    private static string Milliseconds(long ticks) =>
        ((long)(ticks * 1000.0 / Stopwatch.Frequency)).ToString(CultureInfo.InvariantCulture);
}
