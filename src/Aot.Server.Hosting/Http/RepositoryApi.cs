using System.Buffers;
using System.Text.Json;
using Aot.Server.Hosting;
using Aot.Server.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aot.Server.Http;

/// <summary>
/// The KServe / Triton model repository extension: <c>POST /v2/repository/index</c> (every version known, with its
/// state and the reason it is not served), and with <c>--model-control explicit</c>
/// <c>POST /v2/repository/models/{m}/load</c> and <c>/unload</c>. A model name from a request is checked before it
/// touches the file system: it is one folder of the repository or it is refused (400).
/// </summary>
internal sealed class RepositoryApi(ModelRepository repository, ModelControl? control, long maxPayloadBytes)
{
    public void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v2/repository/index", IndexAsync);
        app.MapPost("/v2/repository/models/{model}/load", LoadAsync);
        app.MapPost("/v2/repository/models/{model}/unload", UnloadAsync);
    }

    private async Task IndexAsync(HttpContext context)
    {
        bool readyOnly = false;
        using (RequestBody body = await RequestBody.ReadAsync(context.Request, maxPayloadBytes, context.RequestAborted).ConfigureAwait(false))
        {
            if (body.Length > 0)
            {
                try
                {
                    using var document = JsonDocument.Parse(body.Span.ToArray());
                    readyOnly = document.RootElement.ValueKind == JsonValueKind.Object
                        && document.RootElement.TryGetProperty("ready", out JsonElement ready) && ready.ValueKind == JsonValueKind.True;
                }
                catch (JsonException ex)
                {
                    await HttpErrors.WriteAsync(context, 400, $"The index request is not JSON ({ex.Message}); send {{}} or {{\"ready\": true}}.").ConfigureAwait(false);
                    return;
                }
            }
        }

        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer, HttpJson.WriterOptions))
        {
            json.WriteStartArray();
            foreach (ModelVersionStatus status in repository.Statuses())
            {
                if (readyOnly && status.State != ModelVersionState.Ready)
                {
                    continue;
                }

                json.WriteStartObject();
                json.WriteString("name", status.Name);
                json.WriteString("version", status.VersionText);
                json.WriteString("state", ModelVersionStates.KServeName(status.State));
                json.WriteString("reason", status.Reason);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        await HttpJson.WriteAsync(context, 200, buffer).ConfigureAwait(false);
    }

    private async Task LoadAsync(HttpContext context)
    {
        if (Refuse(context, "load", out string name) is { } refused)
        {
            await refused.ConfigureAwait(false);
            return;
        }

        if (!control!.HasFolder(name))
        {
            await HttpErrors.WriteAsync(context, 404, $"Unknown model '{name}': the repository has no folder {name}/.").ConfigureAwait(false);
            return;
        }

        IReadOnlyList<ModelVersionStatus> failed = await control.LoadAsync(name).ConfigureAwait(false);
        if (failed.Count > 0)
        {
            string reasons = string.Join("; ", failed.Select(static f => f.Version == 0 ? f.Reason : $"version {f.VersionText}: {f.Reason}"));
            await HttpErrors.WriteAsync(context, 400, $"Model '{name}' failed to load ({reasons}); the versions already serving keep serving.").ConfigureAwait(false);
            return;
        }

        if (repository.Versions(name).Count == 0)
        {
            await HttpErrors.WriteAsync(context, 400, $"Model '{name}' has no version its version policy picks (folders {name}/<version>/model.onnx).").ConfigureAwait(false);
            return;
        }

        await WriteEmptyAsync(context).ConfigureAwait(false);
    }

    private async Task UnloadAsync(HttpContext context)
    {
        if (Refuse(context, "unload", out string name) is { } refused)
        {
            await refused.ConfigureAwait(false);
            return;
        }

        if (repository.Versions(name).Count == 0 && !repository.Statuses().Any(s => s.Name == name) && !control!.HasFolder(name))
        {
            await HttpErrors.WriteAsync(context, 404, repository.NotFoundMessage(name, null)).ConfigureAwait(false);
            return;
        }

        await control!.UnloadAsync(name).ConfigureAwait(false);
        await WriteEmptyAsync(context).ConfigureAwait(false);
    }

    /// <summary>The answer that refuses a load or unload (no explicit control, a name that is not one repository folder), or null.</summary>
    private Task? Refuse(HttpContext context, string action, out string name)
    {
        name = (string)context.Request.RouteValues["model"]!;
        if (control is not { Mode: ModelControlMode.Explicit })
        {
            return HttpErrors.WriteAsync(context, 400, $"Model {action} through the repository API needs --model-control explicit (this server runs with --model-control {control?.Mode.ToString().ToLowerInvariant() ?? "none"}).");
        }

        return control.RefuseName(name) is { } why ? HttpErrors.WriteAsync(context, 400, why) : null;
    }

    private static Task WriteEmptyAsync(HttpContext context)
    {
        var buffer = new ArrayBufferWriter<byte>(2);
        buffer.Write("{}"u8);
        return HttpJson.WriteAsync(context, 200, buffer);
    }
}
