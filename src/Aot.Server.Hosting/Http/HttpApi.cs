using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Aot.Server.Batching;
using Aot.Server.Hosting;
using Aot.Server.Metrics;
using Aot.Server.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.ObjectPool;

namespace Aot.Server.Http;

/// <summary>
/// The HTTP endpoints: Open Inference Protocol V2 (KServe), TF Serving REST, and Prometheus metrics. Handlers are
/// plain <see cref="RequestDelegate"/>s over the route values (no reflection-based binding: AOT-safe and cheap).
/// </summary>
internal sealed class HttpApi
{
    private const string BinaryHeaderLength = "Inference-Header-Content-Length";
    private readonly ModelRepository _repository;
    private readonly ServerState _state;
    private readonly long _maxPayloadBytes;
    private readonly Dictionary<ServedModel, ObjectPool<HttpInferenceRequest>> _pools = [];

    public HttpApi(ModelRepository repository, ServerState state, long maxPayloadBytes)
    {
        _repository = repository;
        _state = state;
        _maxPayloadBytes = maxPayloadBytes;
        foreach (ServedModel model in repository.All)
        {
            ObjectPool<HttpInferenceRequest>? pool = null;
            pool = RequestPools.Create(() => new HttpInferenceRequest(model, pool!), capacity: 256);
            _pools[model] = pool;
        }
    }

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v2/health/live", context => WriteJsonAsync(context, 200, static (json, _) => { json.WriteStartObject(); json.WriteBoolean("live", true); json.WriteEndObject(); }, this));
        app.MapGet("/v2/health/ready", context =>
        {
            bool ready = _state.IsReady && _repository.IsReady;
            return WriteJsonAsync(context, ready ? 200 : 503, static (json, r) => { json.WriteStartObject(); json.WriteBoolean("ready", r); json.WriteEndObject(); }, ready);
        });
        app.MapGet("/v2", context => WriteJsonAsync(context, 200, static (json, repo) => MetadataJson.WriteServer(json, repo), _repository));
        app.MapGet("/v2/models/{model}", ModelMetadataAsync);
        app.MapGet("/v2/models/{model}/versions/{version}", ModelMetadataAsync);
        app.MapGet("/v2/models/{model}/ready", ModelReadyAsync);
        app.MapGet("/v2/models/{model}/config", ModelConfigAsync);
        app.MapGet("/v2/models/{model}/versions/{version}/config", ModelConfigAsync);
        app.MapGet("/v2/models/{model}/versions/{version}/ready", ModelReadyAsync);
        app.MapPost("/v2/models/{model}/infer", KServeInferAsync);
        app.MapPost("/v2/models/{model}/versions/{version}/infer", KServeInferAsync);

        app.MapGet("/v1/models/{model}", TfModelStatusAsync);
        app.MapGet("/v1/models/{model}/versions/{version}", TfModelStatusAsync);
        app.MapPost("/v1/models/{model}:predict", TfPredictAsync);
        app.MapPost("/v1/models/{model}/versions/{version}:predict", TfPredictAsync);

        app.MapGet("/metrics", MetricsAsync);
        app.MapFallback(context => HttpErrors.WriteAsync(context, 404, $"No endpoint {context.Request.Method} {context.Request.Path}."));
    }

    private Task ModelMetadataAsync(HttpContext context)
    {
        if (!TryFindModel(context, out ServedModel? model, out Task? notFound))
        {
            return notFound;
        }

        return WriteJsonAsync(context, 200, static (json, state) => MetadataJson.WriteModel(json, state.model, state.versions), (model: model!, versions: _repository.Versions(model!.Name)));
    }

    /// <summary>The model's effective settings as a config.json document (Triton's <c>/config</c> route; docs/configuration.md).</summary>
    private Task ModelConfigAsync(HttpContext context)
    {
        if (!TryFindModel(context, out ServedModel? model, out Task? notFound))
        {
            return notFound;
        }

        return WriteJsonAsync(context, 200, static (json, m) => ModelSettingsJson.Write(json, m.Settings, m.Embeddings?.Source ?? m.Classifier?.Source), model!);
    }

    private Task ModelReadyAsync(HttpContext context)
    {
        if (!TryFindModel(context, out ServedModel? model, out Task? notFound))
        {
            return notFound;
        }

        bool ready = model!.IsReady && _state.IsReady;
        return WriteJsonAsync(context, ready ? 200 : 503, static (json, state) =>
        {
            json.WriteStartObject();
            json.WriteString("name", state.Name);
            json.WriteBoolean("ready", state.ready);
            json.WriteEndObject();
        }, (model.Name, ready));
    }

    private Task TfModelStatusAsync(HttpContext context)
    {
        if (!TryFindModel(context, out ServedModel? model, out Task? notFound))
        {
            return notFound;
        }

        bool versioned = context.Request.RouteValues.ContainsKey("version");
        IReadOnlyList<ServedModel> versions = versioned ? [model!] : _repository.Versions(model!.Name);
        return WriteJsonAsync(context, 200, static (json, versions) =>
        {
            json.WriteStartObject();
            // The same route is OpenAI's GET /v1/models/{id}: its fields sit beside TF Serving's, so both clients read one body.
            json.WriteString("id", versions[0].Name);
            json.WriteString("object", "model");
            json.WriteNumber("created", versions[0].LoadedUnixSeconds);
            json.WriteString("owned_by", "aot");
            json.WriteStartArray("model_version_status");
            foreach (ServedModel version in versions)
            {
                json.WriteStartObject();
                json.WriteString("version", version.VersionText);
                json.WriteString("state", version.IsReady ? "AVAILABLE" : "LOADING");
                json.WriteStartObject("status");
                json.WriteString("error_code", "OK");
                json.WriteString("error_message", "");
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }, versions);
    }

    private Task MetricsAsync(HttpContext context)
    {
        context.Response.ContentType = PrometheusTextWriter.ContentType;
        return context.Response.WriteAsync(PrometheusTextWriter.Write([.. _repository.All.Select(static m => m.Metrics)]));
    }

    private Task KServeInferAsync(HttpContext context) => InferAsync(context, ApiKind.KServe);

    private Task TfPredictAsync(HttpContext context) => InferAsync(context, ApiKind.TfServing);

    private enum ApiKind
    {
        KServe,
        TfServing,
    }

    private async Task InferAsync(HttpContext context, ApiKind api)
    {
        long received = Stopwatch.GetTimestamp();
        if (!TryFindModel(context, out ServedModel? model, out Task? notFound))
        {
            await notFound.ConfigureAwait(false);
            return;
        }

        HttpInferenceRequest request = _pools[model!].Get();
        request.Begin(received, context.RequestAborted);
        RequestOutcome outcome = RequestOutcome.Success;
        try
        {
            await RunAsync(context, request, api).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            (int status, string message) = HttpErrors.Classify(ex);
            outcome = RequestOutcomes.FromCode(HttpErrors.ToCode(status));
            await HttpErrors.WriteAsync(context, status, message).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            outcome = RequestOutcome.Cancelled;
        }
        finally
        {
            request.Release(outcome);
        }
    }

    private async Task RunAsync(HttpContext context, HttpInferenceRequest request, ApiKind api)
    {
        ServedModel model = request.Model;
        using RequestBody body = await RequestBody.ReadAsync(context.Request, _maxPayloadBytes, context.RequestAborted).ConfigureAwait(false);
        HttpDeadline.Apply(context.Request, request);

        string? id = null;
        bool rowFormat = false;
        if (api == ApiKind.KServe)
        {
            ReadOnlySpan<byte> json = body.Span;
            ReadOnlySpan<byte> binary = default;
            if (context.Request.Headers.TryGetValue(BinaryHeaderLength, out var headerLength))
            {
                if (!int.TryParse(headerLength, NumberStyles.None, CultureInfo.InvariantCulture, out int jsonLength) || jsonLength > body.Length)
                {
                    throw InferenceException.BadRequest($"{BinaryHeaderLength} must be a byte count no larger than the body ({body.Length}).");
                }

                binary = json[jsonLength..];
                json = json[..jsonLength];
            }

            id = KServeRequestReader.Read(json, binary, request, binaryByDefault: false);
        }
        else
        {
            rowFormat = TfServingRequestReader.Read(body.Span, request);
        }

        await request.RunAsync().ConfigureAwait(false);

        HttpResponse response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        if (api == ApiKind.TfServing)
        {
            TfServingResponseWriter.Write(request, rowFormat);
            response.ContentLength = request.Body.WrittenCount;
            await response.Body.WriteAsync(request.Body.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        long binaryBytes = KServeResponseWriter.WriteJson(request, id);
        response.ContentLength = request.Body.WrittenCount + binaryBytes;
        if (binaryBytes > 0)
        {
            response.Headers[BinaryHeaderLength] = request.Body.WrittenCount.ToString(CultureInfo.InvariantCulture);
            response.ContentType = "application/octet-stream";
        }

        await response.Body.WriteAsync(request.Body.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
        for (int o = 0; o < request.Outputs.Length && binaryBytes > 0; o++)
        {
            if (request.SelectedOutputs[o] && request.BinaryOutputs[o])
            {
                await response.Body.WriteAsync(request.Outputs[o].Memory, context.RequestAborted).ConfigureAwait(false);
            }
        }
    }

    private bool TryFindModel(HttpContext context, out ServedModel? model, out Task notFound)
    {
        string name = (string)context.Request.RouteValues["model"]!;
        string? version = context.Request.RouteValues["version"] as string;
        model = _repository.Find(name, version);
        if (model is not null)
        {
            notFound = Task.CompletedTask;
            return true;
        }

        notFound = HttpErrors.WriteAsync(context, 404, _repository.NotFoundMessage(name, version));
        return false;
    }

    private static Task WriteJsonAsync<TState>(HttpContext context, int status, Action<Utf8JsonWriter, TState> write, TState state)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer, HttpJson.WriterOptions))
        {
            write(json, state);
        }

        return HttpJson.WriteAsync(context, status, buffer);
    }
}
