using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Aot.Embeddings.Protocol;
using Aot.Server.Batching;
using Aot.Server.Classification;
using Aot.Server.Hosting;
using Aot.Server.Http;
using Aot.Server.Metrics;
using Aot.Server.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aot.Server.Embeddings;

/// <summary>
/// Text in, vectors out: TEI's <c>POST /embed</c>, <c>/embed_all</c>, <c>/tokenize</c>, <c>/decode</c>, <c>GET /info</c>,
/// <c>/health</c> (also under <c>/models/{model}/...</c>), <c>POST /</c> (Hugging Face's inference client posts to the
/// endpoint's root) and OpenAI's <c>POST /v1/embeddings</c>, <c>GET /v1/models</c>, for the models served with a
/// tokenizer. Parsing, validation and tokenization run on the request thread; the encoder runs on the model's batcher,
/// batched with other requests (text and tensor alike). Errors are TEI's <c>{"error", "error_type"}</c> with TEI's
/// statuses, or OpenAI's error object on <c>/v1/...</c>.
/// </summary>
internal sealed class EmbeddingApi
{
    private readonly ModelRepository _repository;
    private readonly ServerState _state;
    private readonly long _maxPayloadBytes;
    private readonly SnapshotView<EmbeddingEndpoint[]> _textEndpoints;
    private readonly ClassificationApi _classification;

    public EmbeddingApi(ModelRepository repository, ServerState state, long maxPayloadBytes, ClassificationApi classification)
    {
        _repository = repository;
        _classification = classification;
        _state = state;
        _maxPayloadBytes = maxPayloadBytes;
        // The first text model given on the command line answers when a request names none (newest ready version of each).
        _textEndpoints = new(repository, static current => [.. current.InOrderGiven.Where(m => current.Find(m.Name, null) == m).Select(static m => m.Embeddings).OfType<EmbeddingEndpoint>()]);
    }

    private EmbeddingEndpoint[] TextEndpoints => _textEndpoints.Value;

    /// <summary>Whether the first text model given is a classifier: then it is the one <c>POST /</c> and <c>/info</c> answer for.</summary>
    private bool ClassifierFirst => _repository.InOrderGiven.FirstOrDefault(static m => m.Embeddings is not null || m.Classifier is not null)?.Classifier is not null;

    private enum Kind
    {
        Embed,
        EmbedAll,
        OpenAI,
        Tokenize,
        Decode,
    }

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/", RootAsync);
        app.MapPost("/v1/embeddings", context => HandleAsync(context, Kind.OpenAI));
        app.MapGet("/v1/models", ModelsAsync);
        app.MapGet("/health", HealthAsync);
        foreach (string prefix in (string[])["", "/models/{model}"])
        {
            app.MapPost(prefix + "/embed", context => HandleAsync(context, Kind.Embed));
            app.MapPost(prefix + "/embed_all", context => HandleAsync(context, Kind.EmbedAll));
            app.MapPost(prefix + "/tokenize", context => HandleAsync(context, Kind.Tokenize));
            app.MapPost(prefix + "/decode", context => HandleAsync(context, Kind.Decode));
            app.MapGet(prefix + "/info", InfoAsync);
        }
    }

    /// <summary>
    /// <c>POST /</c> (Hugging Face's inference client posts to the endpoint's root) is <c>/embed</c> for an embedding
    /// model and <c>/predict</c> for a classifier, as on TEI, whose one model decides.
    /// </summary>
    private Task RootAsync(HttpContext context) =>
        IsClassifier(RequestedModel(context)) ? _classification.HandleAsync(context, rerank: false) : HandleAsync(context, Kind.Embed);

    private bool IsClassifier(string? name) => name is null ? ClassifierFirst : _classification.Find(name) is not null;

    private async Task HandleAsync(HttpContext context, Kind kind)
    {
        long received = Stopwatch.GetTimestamp();
        bool openAI = kind == Kind.OpenAI;
        EmbeddingEndpoint? endpoint = null;
        EmbeddingInferenceRequest? request = null;
        EmbeddingInferenceRequest[]? parts = null;
        EmbeddingEndpoint? leased = null;
        RequestOutcome outcome = RequestOutcome.Success;
        try
        {
            if (!openAI)
            {
                endpoint = leased = Lease(context, bodyModel: null);
            }

            using RequestBody body = await RequestBody.ReadAsync(context.Request, _maxPayloadBytes, context.RequestAborted).ConfigureAwait(false);
            EmbeddingJob job;
            switch (kind)
            {
                case Kind.Tokenize:
                    List<List<TokenizedToken>> tokens = endpoint!.Service.Tokenize(EmbeddingService.ParseTokenizeRequest(body.Span));
                    await EmbeddingResponses.WriteAsync(context, 200, tokens, EmbeddingsJsonContext.Default.ListListTokenizedToken).ConfigureAwait(false);
                    return;
                case Kind.Decode:
                    List<string> texts = endpoint!.Service.Decode(EmbeddingService.ParseDecodeRequest(body.Span));
                    await EmbeddingResponses.WriteAsync(context, 200, texts, EmbeddingsJsonContext.Default.ListString).ConfigureAwait(false);
                    return;
                case Kind.OpenAI:
                    OpenAIEmbeddingRequest parsed = EmbeddingService.ParseOpenAIRequest(body.Span);
                    endpoint = leased = Lease(context, parsed.Model);
                    job = endpoint.Service.Prepare(parsed);
                    break;
                default:
                    job = endpoint!.Service.Prepare(EmbeddingService.ParseEmbedRequest(body.Span), allTokens: kind == Kind.EmbedAll);
                    break;
            }

            long tokenized = Stopwatch.GetTimestamp();
            parts = Split(endpoint, job, received, context);
            request = parts[0];
            if (parts.Length == 1)
            {
                await request.RunAsync().ConfigureAwait(false);
            }
            else
            {
                await AwaitedInferenceRequest.RunAllAsync(parts).ConfigureAwait(false);
            }

            Utf8JsonWriter json = request.Json;
            switch (kind)
            {
                case Kind.OpenAI:
                    JsonSerializer.Serialize(json, endpoint.Service.CreateOpenAIResponse(job), EmbeddingsJsonContext.Default.OpenAIEmbeddingResponse);
                    break;
                case Kind.EmbedAll:
                    JsonSerializer.Serialize(json, job.TokenVectors, EmbeddingsJsonContext.Default.SingleArrayArrayArray);
                    break;
                default:
                    JsonSerializer.Serialize(json, job.Vectors, EmbeddingsJsonContext.Default.SingleArrayArray);
                    break;
            }

            HttpResponse response = context.Response;
            IHeaderDictionary headers = response.Headers;
            headers["x-compute-type"] = endpoint.ComputeType;
            headers["x-compute-tokens"] = job.PromptTokens.ToString(CultureInfo.InvariantCulture);
            headers["x-tokenization-time"] = Milliseconds(tokenized - received);
            headers["x-queue-time"] = Milliseconds(request.QueueTicks);
            headers["x-inference-time"] = Milliseconds(parts.Sum(static part => part.ComputeTicks));
            headers["x-total-time"] = Milliseconds(Stopwatch.GetTimestamp() - received);
            response.StatusCode = 200;
            response.ContentType = "application/json";
            response.ContentLength = request.Body.WrittenCount;
            await response.Body.WriteAsync(request.Body.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            outcome = await EmbeddingResponses.WriteFailureAsync(context, openAI, ex).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            outcome = RequestOutcome.Cancelled;
        }
        finally
        {
            // Requests that failed before reaching the batcher (parsing, tokenization) count for the model they named
            // too; one that named no served text model has no model to count for.
            endpoint ??= Find(RequestedModel(context));
            if (request is not null || endpoint is not null)
            {
                (request ?? Rent(endpoint!, received, context)).Release(outcome);
            }

            for (int p = 1; p < (parts?.Length ?? 0); p++)
            {
                parts![p].ReleasePart();
            }

            leased?.Served.EndLease();
        }
    }

    /// <summary>
    /// <see cref="Resolve"/> with a lease on the model (the caller ends it): a version unloaded meanwhile finishes this
    /// request first; one retired between the look-up and the lease is resolved again, in the snapshot without it.
    /// </summary>
    private EmbeddingEndpoint Lease(HttpContext context, string? bodyModel)
    {
        while (true)
        {
            EmbeddingEndpoint endpoint = Resolve(context, bodyModel);
            if (endpoint.Served.TryLease())
            {
                return endpoint;
            }
        }
    }

    /// <summary>
    /// The job as the encoder runs it: one request per run of texts of similar length (<see cref="EmbeddingEndpoint.PlanRuns"/>),
    /// so a few long texts do not pad every short one to their length; usually one.
    /// </summary>
    private static EmbeddingInferenceRequest[] Split(EmbeddingEndpoint endpoint, EmbeddingJob job, long received, HttpContext context)
    {
        int[] ends = endpoint.PlanRuns(job, out int[] order);
        var parts = new EmbeddingInferenceRequest[ends.Length];
        for (int p = 0, start = 0; p < ends.Length; start = ends[p++])
        {
            EmbeddingInferenceRequest part = Rent(endpoint, received, context);
            HttpDeadline.Apply(context.Request, part);
            part.SetJob(job, order.AsMemory(start, ends[p] - start));
            parts[p] = part;
        }

        return parts;
    }

    private static EmbeddingInferenceRequest Rent(EmbeddingEndpoint endpoint, long received, HttpContext context)
    {
        EmbeddingInferenceRequest request = endpoint.Requests.Get();
        request.Begin(received, context.RequestAborted);
        return request;
    }

    /// <summary>
    /// The text model a request is for: the route's <c>{model}</c>, else the <c>X-Model</c> header, else the
    /// <c>model</c> query parameter, else OpenAI's <c>model</c> field, else the first text model given. A name that is
    /// not a served text model is refused (404) naming those that are.
    /// </summary>
    private EmbeddingEndpoint Resolve(HttpContext context, string? bodyModel)
    {
        string? name = RequestedModel(context) ?? bodyModel;
        if (_classification.Find(name ?? (TextEndpoints.Length == 0 && _classification.Endpoints.Length > 0 ? _classification.Endpoints[0].Served.Name : null)) is { } classifier)
        {
            throw new EmbeddingRequestException(400, "validation",
                $"Model '{classifier.Served.Name}' is a sequence classifier: it answers /predict and /rerank, not embedding routes, which need an embedding model.");
        }

        if (TextEndpoints.Length == 0)
        {
            throw new EmbeddingRequestException(404, "validation", NoEndpointMessage(_repository));
        }

        if (name is null)
        {
            return TextEndpoints[0];
        }

        return Find(name)
            ?? throw new EmbeddingRequestException(404, "validation",
                $"The model '{name}' does not exist or does not take text. Text models: {string.Join(", ", TextEndpoints.Select(static e => e.Served.Name))}.");
    }

    internal static string? RequestedModel(HttpContext context) =>
        context.Request.RouteValues.TryGetValue("model", out object? route) && route is string fromRoute ? fromRoute
        : context.Request.Headers["X-Model"] is { Count: > 0 } header ? header.ToString()
        : context.Request.Query["model"] is { Count: > 0 } query ? query.ToString()
        : null;

    private EmbeddingEndpoint? Find(string? name) =>
        name is null ? TextEndpoints.FirstOrDefault() : Array.Find(TextEndpoints, e => string.Equals(e.Served.Name, name, StringComparison.Ordinal));

    private Task InfoAsync(HttpContext context)
    {
        string? requested = RequestedModel(context);
        if (IsClassifier(requested))
        {
            ClassifierEndpoint classifier = _classification.Find(requested) ?? _classification.Endpoints[0];
            IEnumerable<string> models = TextEndpoints.Select(static e => e.Served.Name).Concat(_classification.Endpoints.Select(static e => e.Served.Name));
            return HttpJson.WriteAsync(context, 200, ClassificationResponses.WriteInfo(classifier, models));
        }

        EmbeddingEndpoint endpoint;
        try
        {
            endpoint = Resolve(context, bodyModel: null);
        }
        catch (EmbeddingRequestException ex)
        {
            return EmbeddingResponses.WriteErrorAsync(context, openAI: false, ex.StatusCode, ex.ErrorType, ex.Message);
        }

        return HttpJson.WriteAsync(context, 200, EmbeddingInfo.Write(endpoint, TextEndpoints));
    }

    /// <summary>OpenAI's model list: the served text models (the ones <c>/v1/embeddings</c> takes).</summary>
    private Task ModelsAsync(HttpContext context)
    {
        var models = new OpenAIModelList([.. TextEndpoints.Select(static e => new OpenAIModel(e.Served.Name, e.Served.LoadedUnixSeconds))]);
        return EmbeddingResponses.WriteAsync(context, 200, models, EmbeddingsJsonContext.Default.OpenAIModelList);
    }

    private Task HealthAsync(HttpContext context)
    {
        bool ready = _state.IsReady && _repository.IsReady;
        if (!ready)
        {
            return EmbeddingResponses.WriteErrorAsync(context, openAI: false, 503, "unhealthy", "The server is not ready: models are loading or it is shutting down.");
        }

        context.Response.StatusCode = 200; // TEI answers an empty 200
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    private static string NoEndpointMessage(ModelRepository repository) =>
        "No served model takes text: give a BERT-style encoder with a vocab.txt next to its .onnx file, or --tokenizer NAME=VOCAB_PATH. " +
        $"Served models: {string.Join(", ", repository.Latest.Select(static m => m.Name))}.";

    /// <summary>TEI reports times in whole milliseconds.</summary>
    private static string Milliseconds(long ticks) =>
        ((long)(ticks * 1000.0 / Stopwatch.Frequency)).ToString(CultureInfo.InvariantCulture);
}
