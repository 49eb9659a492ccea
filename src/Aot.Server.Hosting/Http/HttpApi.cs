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
    private readonly ModelRequestPools<HttpInferenceRequest> _pools = new(static (model, pool) => new HttpInferenceRequest(model, pool), capacity: 256);

    public HttpApi(ModelRepository repository, ServerState state, long maxPayloadBytes)
    {
        _repository = repository;
        _state = state;
        _maxPayloadBytes = maxPayloadBytes;
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
        // A version still loading (or one that failed) is known but not ready: 503 with ready false, not 404.
        string name = (string)context.Request.RouteValues["model"]!;
        bool known = ModelStatusRoutes.IsKnown(_repository, name, context.Request.RouteValues["version"] as string);
        if (!known && !TryFindModel(context, out _, out Task? notFound))
        {
            return notFound;
        }

        bool ready = _repository.Find(name, context.Request.RouteValues["version"] as string) is { IsReady: true } && _state.IsReady;
        return WriteJsonAsync(context, ready ? 200 : 503, static (json, state) =>
        {
            json.WriteStartObject();
            json.WriteString("name", state.name);
            json.WriteBoolean("ready", state.ready);
            json.WriteEndObject();
        }, (name, ready));
    }

    private Task TfModelStatusAsync(HttpContext context) => ModelStatusRoutes.WriteTfStatusAsync(context, _repository);

    private Task MetricsAsync(HttpContext context)
    {
        context.Response.ContentType = PrometheusTextWriter.ContentType;
        return context.Response.WriteAsync(PrometheusTextWriter.Write([.. _repository.All.Select(static m => m.Metrics)], _repository.Metrics));
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
        if (!TryFindModel(context, out ServedModel? model, out Task? notFound, lease: true))
        {
            await notFound.ConfigureAwait(false);
            return;
        }

        HttpInferenceRequest request = _pools.Rent(model!);
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
            model!.EndLease();
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

    /// <summary>The model the route names; with <paramref name="lease"/>, leased (the caller ends the lease).</summary>
    private bool TryFindModel(HttpContext context, out ServedModel? model, out Task notFound, bool lease = false)
    {
        string name = (string)context.Request.RouteValues["model"]!;
        string? version = context.Request.RouteValues["version"] as string;
        model = lease ? _repository.Lease(name, version) : _repository.Find(name, version);
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
