using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Aot.Embeddings.Pooling;
using Aot.Embeddings.Protocol;
using Aot.Server.Batching;
using Aot.Server.Hosting;
using Aot.Server.Http;
using Aot.Server.Metrics;
using Aot.Server.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aot.Server.Embeddings;

/// <summary>
/// Text in, vectors out: TEI's <c>POST /embed</c>, <c>POST /tokenize</c>, <c>GET /info</c>, <c>GET /health</c> and
/// OpenAI's <c>POST /v1/embeddings</c>, for the models served with a tokenizer. Parsing, validation and tokenization
/// run on the request thread; the encoder runs on the model's batcher, batched with other requests (text and tensor
/// alike). Errors are TEI's <c>{"error", "error_type"}</c> with TEI's statuses.
/// </summary>
internal sealed class EmbeddingApi
{
    private readonly ModelRepository _repository;
    private readonly ServerState _state;
    private readonly long _maxPayloadBytes;
    private readonly EmbeddingEndpoint[] _endpoints;

    public EmbeddingApi(ModelRepository repository, ServerState state, long maxPayloadBytes)
    {
        _repository = repository;
        _state = state;
        _maxPayloadBytes = maxPayloadBytes;
        // The first text model given on the command line answers /embed; OpenAI's "model" may pick another.
        _endpoints = [.. repository.InOrderGiven.Where(m => repository.Find(m.Name, null) == m).Select(static m => m.Embeddings).OfType<EmbeddingEndpoint>()];
    }

    private enum Kind
    {
        Embed,
        OpenAI,
        Tokenize,
    }

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/embed", context => HandleAsync(context, Kind.Embed));
        app.MapPost("/v1/embeddings", context => HandleAsync(context, Kind.OpenAI));
        app.MapPost("/tokenize", context => HandleAsync(context, Kind.Tokenize));
        app.MapGet("/info", InfoAsync);
        app.MapGet("/health", HealthAsync);
    }

    private async Task HandleAsync(HttpContext context, Kind kind)
    {
        long received = Stopwatch.GetTimestamp();
        if (_endpoints.Length == 0)
        {
            await WriteErrorAsync(context, 404, "validation", NoEndpointMessage(_repository)).ConfigureAwait(false);
            return;
        }

        EmbeddingEndpoint endpoint = _endpoints[0];
        EmbeddingInferenceRequest? request = null;
        RequestOutcome outcome = RequestOutcome.Success;
        try
        {
            using RequestBody body = await RequestBody.ReadAsync(context.Request, _maxPayloadBytes, context.RequestAborted).ConfigureAwait(false);
            if (kind == Kind.Tokenize)
            {
                List<List<TokenizedToken>> tokens = endpoint.Service.Tokenize(EmbeddingService.ParseTokenizeRequest(body.Span));
                await WriteAsync(context, 200, tokens, EmbeddingsJsonContext.Default.ListListTokenizedToken).ConfigureAwait(false);
                return;
            }

            EmbeddingJob job;
            if (kind == Kind.Embed)
            {
                job = endpoint.Service.Prepare(EmbeddingService.ParseEmbedRequest(body.Span));
            }
            else
            {
                OpenAIEmbeddingRequest parsed = EmbeddingService.ParseOpenAIRequest(body.Span);
                endpoint = Find(parsed.Model) ?? endpoint;
                job = endpoint.Service.Prepare(parsed);
            }

            long tokenized = Stopwatch.GetTimestamp();
            request = Rent(endpoint, received, context);
            HttpDeadline.Apply(context.Request, request);
            request.SetJob(job);

            await request.RunAsync().ConfigureAwait(false);

            Utf8JsonWriter json = request.Json;
            if (kind == Kind.Embed)
            {
                JsonSerializer.Serialize(json, job.Vectors, EmbeddingsJsonContext.Default.SingleArrayArray);
            }
            else
            {
                JsonSerializer.Serialize(json, endpoint.Service.CreateOpenAIResponse(job), EmbeddingsJsonContext.Default.OpenAIEmbeddingResponse);
            }

            HttpResponse response = context.Response;
            IHeaderDictionary headers = response.Headers;
            headers["x-compute-type"] = endpoint.ComputeType;
            headers["x-compute-tokens"] = job.PromptTokens.ToString(CultureInfo.InvariantCulture);
            headers["x-tokenization-time"] = Milliseconds(tokenized - received);
            headers["x-queue-time"] = Milliseconds(request.QueueTicks);
            headers["x-inference-time"] = Milliseconds(request.ComputeTicks);
            headers["x-total-time"] = Milliseconds(Stopwatch.GetTimestamp() - received);
            response.StatusCode = 200;
            response.ContentType = "application/json";
            response.ContentLength = request.Body.WrittenCount;
            await response.Body.WriteAsync(request.Body.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
        }
        catch (EmbeddingRequestException ex)
        {
            outcome = ex.StatusCode == 413 ? RequestOutcome.PayloadTooLarge : RequestOutcome.BadRequest;
            await WriteAsync(context, ex.StatusCode, ex.ToResponse(), EmbeddingsJsonContext.Default.ErrorResponse).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            (int status, string message) = HttpErrors.Classify(ex);
            outcome = RequestOutcomes.FromCode(HttpErrors.ToCode(status));
            await WriteErrorAsync(context, status, ErrorType(status), message).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            outcome = RequestOutcome.Cancelled;
        }
        finally
        {
            // Requests that failed before reaching the batcher (parsing, tokenization) count for the model they named too.
            (request ?? Rent(endpoint, received, context)).Release(outcome);
        }
    }

    private static EmbeddingInferenceRequest Rent(EmbeddingEndpoint endpoint, long received, HttpContext context)
    {
        EmbeddingInferenceRequest request = endpoint.Requests.Get();
        request.Begin(received, context.RequestAborted);
        return request;
    }

    private Task InfoAsync(HttpContext context)
    {
        if (_endpoints.Length == 0)
        {
            return WriteErrorAsync(context, 404, "validation", NoEndpointMessage(_repository));
        }

        EmbeddingEndpoint endpoint = _endpoints[0];
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer, HttpJson.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("model_id", endpoint.Served.Name);
            json.WriteString("model_dtype", "float32");
            json.WriteStartObject("model_type");
            json.WriteStartObject("embedding");
            json.WriteString("pooling", endpoint.Model.Pooling == PoolingMode.Cls ? "cls" : "mean");
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteNumber("hidden_size", endpoint.Model.HiddenSize);
            json.WriteNumber("max_input_length", endpoint.Model.MaxSequenceLength);
            json.WriteNumber("max_batch_requests", endpoint.Served.Batcher.Options.MaxBatchRows);
            json.WriteNumber("max_client_batch_size", endpoint.Service.Options.MaxClientBatchSize);
            json.WriteBoolean("auto_truncate", endpoint.Service.Options.AutoTruncate);
            json.WriteString("device", endpoint.ComputeType);
            json.WriteStartArray("models");
            foreach (EmbeddingEndpoint e in _endpoints)
            {
                json.WriteStringValue(e.Served.Name);
            }

            json.WriteEndArray();
            json.WriteString("version", typeof(EmbeddingApi).Assembly.GetName().Version?.ToString() ?? "0");
            json.WriteEndObject();
        }

        return WriteBytesAsync(context, 200, buffer);
    }

    private Task HealthAsync(HttpContext context)
    {
        bool ready = _state.IsReady && _repository.IsReady;
        if (!ready)
        {
            return WriteErrorAsync(context, 503, "unhealthy", "The server is not ready: models are loading or it is shutting down.");
        }

        context.Response.StatusCode = 200; // TEI answers an empty 200
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    /// <summary>OpenAI's <c>model</c> picks among the embedding models by name; other names get the default one, as TEI answers any name.</summary>
    private EmbeddingEndpoint? Find(string? name) =>
        name is null ? null : Array.Find(_endpoints, e => string.Equals(e.Served.Name, name, StringComparison.Ordinal));

    private static string NoEndpointMessage(ModelRepository repository) =>
        "No served model takes text: give a BERT-style encoder with a vocab.txt next to its .onnx file, or --tokenizer NAME=VOCAB_PATH. " +
        $"Served models: {string.Join(", ", repository.Latest.Select(static m => m.Name))}.";

    /// <summary>TEI's error types for statuses the batcher and HTTP layer produce.</summary>
    private static string ErrorType(int status) => status switch
    {
        413 or 400 or 404 or 422 => "validation",
        429 => "overloaded",
        503 => "unhealthy",
        _ => "backend",
    };

    /// <summary>TEI reports times in whole milliseconds.</summary>
    private static string Milliseconds(long ticks) =>
        ((long)(ticks * 1000.0 / Stopwatch.Frequency)).ToString(CultureInfo.InvariantCulture);

    private static Task WriteErrorAsync(HttpContext context, int status, string errorType, string message) =>
        WriteAsync(context, status, new ErrorResponse(message, errorType), EmbeddingsJsonContext.Default.ErrorResponse);

    private static Task WriteAsync<T>(HttpContext context, int status, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return Task.CompletedTask;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, HttpJson.WriterOptions))
        {
            JsonSerializer.Serialize(json, value, typeInfo);
        }

        return WriteBytesAsync(context, status, buffer);
    }

    private static Task WriteBytesAsync(HttpContext context, int status, System.Buffers.ArrayBufferWriter<byte> buffer)
    {
        HttpResponse response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength = buffer.WrittenCount;
        return response.Body.WriteAsync(buffer.WrittenMemory).AsTask();
    }
}
