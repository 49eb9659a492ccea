using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Aot.Server.Models;
using Microsoft.AspNetCore.Http;

namespace Aot.Server.Http;

/// <summary>
/// The routes that report each version's state rather than serve it: TF Serving's <c>GET /v1/models/{m}[/versions/{v}]</c>
/// (every version with LOADING / AVAILABLE / UNLOADING / END and the reason of a failure).
/// </summary>
internal static class ModelStatusRoutes
{
    /// <summary>Whether <paramref name="name"/> (at <paramref name="version"/>, if given) is served or has a state in the index.</summary>
    public static bool IsKnown(ModelRepository repository, string name, string? version)
    {
        if (repository.Find(name, version) is not null)
        {
            return true;
        }

        if (string.IsNullOrEmpty(version))
        {
            return repository.Statuses().Any(s => s.Name == name);
        }

        return long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out long number) && repository.Status(name, number) is not null;
    }

    public static Task WriteTfStatusAsync(HttpContext context, ModelRepository repository)
    {
        string name = (string)context.Request.RouteValues["model"]!;
        string? version = context.Request.RouteValues["version"] as string;
        ModelVersionStatus[] versions = [.. repository.Statuses().Where(s => s.Name == name && (version is null || s.VersionText == version)).OrderByDescending(static s => s.Version)];
        if (versions.Length == 0)
        {
            return HttpErrors.WriteAsync(context, 404, repository.NotFoundMessage(name, version));
        }

        ServedModel? newest = repository.Find(name, null);
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer, HttpJson.WriterOptions))
        {
            json.WriteStartObject();
            // The same route is OpenAI's GET /v1/models/{id}: its fields sit beside TF Serving's, so both clients read one body.
            json.WriteString("id", name);
            json.WriteString("object", "model");
            json.WriteNumber("created", newest?.LoadedUnixSeconds ?? 0);
            json.WriteString("owned_by", "aot");
            json.WriteStartArray("model_version_status");
            foreach (ModelVersionStatus status in versions)
            {
                json.WriteStartObject();
                json.WriteString("version", status.VersionText);
                json.WriteString("state", ModelVersionStates.TfServingName(status.State));
                json.WriteStartObject("status");
                json.WriteString("error_code", status.Reason.Length == 0 ? "OK" : "UNKNOWN");
                json.WriteString("error_message", status.Reason);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return HttpJson.WriteAsync(context, 200, buffer);
    }
}
