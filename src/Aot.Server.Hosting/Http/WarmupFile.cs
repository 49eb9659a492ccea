using System.Diagnostics;
using Aot.Server.Batching;
using Aot.Server.Models;

namespace Aot.Server.Http;

/// <summary>
/// A version's own warm-up requests: <c>warmup.json</c> beside its <c>model.onnx</c>, a JSON array of KServe V2
/// inference request bodies (what <c>POST /v2/models/{m}/infer</c> takes; a single object is one request). Each runs
/// through the model's batcher before the version is ready; one that fails means the version is not served.
/// </summary>
internal static class WarmupFile
{
    public const string FileName = "warmup.json";

    /// <summary>Runs <paramref name="model"/>'s warm-up file, if its version folder has one; returns how many requests ran.</summary>
    /// <exception cref="StartupException">The file does not parse or a request in it fails, naming which and why.</exception>
    public static int RunIfPresent(ServedModel model)
    {
        string? folder = model.SourcePath is { } path ? Path.GetDirectoryName(path) : null;
        string file = folder is null ? "" : Path.Combine(folder, FileName);
        if (folder is null || !File.Exists(file))
        {
            return 0;
        }

        byte[][] bodies;
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(file));
            System.Text.Json.JsonElement root = document.RootElement;
            bodies = root.ValueKind == System.Text.Json.JsonValueKind.Array
                ? [.. root.EnumerateArray().Select(static r => System.Text.Encoding.UTF8.GetBytes(r.GetRawText()))]
                : [System.Text.Encoding.UTF8.GetBytes(root.GetRawText())];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            throw new StartupException($"Model '{model.Name}' v{model.VersionText}: {file} cannot be read as JSON: {ex.Message}", ex);
        }

        // One request object, used once per body and never pooled: warm-up is not traffic (no metrics recorded).
        var request = new HttpInferenceRequest(model, RequestPools.Create(() => (HttpInferenceRequest)null!, capacity: 1));
        for (int i = 0; i < bodies.Length; i++)
        {
            try
            {
                request.Begin(Stopwatch.GetTimestamp(), CancellationToken.None);
                KServeRequestReader.Read(bodies[i], default, request, binaryByDefault: false);
                // A load runs on a background thread (or before the server listens): waiting here blocks no request.
                request.RunAsync().AsTask().GetAwaiter().GetResult();
            }
            catch (InferenceException ex)
            {
                throw new StartupException($"Model '{model.Name}' v{model.VersionText}: warm-up request {i} of {file} failed, the version is not served: {ex.Message}", ex);
            }
            finally
            {
                request.ReleasePart();
            }
        }

        return bodies.Length;
    }
}
