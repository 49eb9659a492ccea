using System.Diagnostics;
using Aot.Runtime;
using Aot.Server.Batching;
using Aot.Server.Metrics;

namespace Aot.Server.Models;

/// <summary>Loads model files, derives their serving signatures, creates their batchers, warms them up and starts them.</summary>
internal static class ModelLoader
{
    public static ModelRepository Load(IReadOnlyList<ModelSource> sources, ModelOptions modelOptions, BatcherOptions batcherOptions, Action<string> log)
    {
        var duplicates = sources.GroupBy(static s => (s.Name, s.Version)).FirstOrDefault(static g => g.Count() > 1);
        if (duplicates is not null)
        {
            throw new StartupException($"Model '{duplicates.Key.Name}' version {duplicates.Key.Version} is given twice: {string.Join(", ", duplicates.Select(static s => s.Path))}.");
        }

        var loaded = new List<ServedModel>();
        try
        {
            foreach (ModelSource source in sources)
            {
                loaded.Add(LoadOne(source, modelOptions, batcherOptions, log));
            }
        }
        catch
        {
            foreach (ServedModel model in loaded)
            {
                model.Dispose();
            }

            throw;
        }

        return new ModelRepository(loaded);
    }

    private static ServedModel LoadOne(ModelSource source, ModelOptions modelOptions, BatcherOptions batcherOptions, Action<string> log)
    {
        long started = Stopwatch.GetTimestamp();
        OnnxModel model;
        try
        {
            model = OnnxModel.Load(source.Path, modelOptions);
        }
        catch (ModelLoadException ex)
        {
            throw new StartupException($"Model '{source.Name}' ({ex.ModelSource}): {ex.Message}", ex);
        }

        try
        {
            var signature = new ServingSignature(model.Metadata);
            if (signature.UnsupportedReason is { } reason)
            {
                throw new StartupException($"Model '{source.Name}' ({source.Path}) cannot be served: {reason}.");
            }

            var metrics = new ModelMetrics(source.Name, source.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
            BatcherOptions options = signature.IsBatchable ? batcherOptions : batcherOptions with { MaxBatchRows = 1 };
            var batcher = new DynamicBatcher(source.Name, signature, () => new RunnerExecutor(model.CreateRunner()), options, metrics);
            var served = new ServedModel(source.Name, source.Version, model, signature, batcher, metrics);
            try
            {
                batcher.WarmUp();
            }
            catch (Exception ex)
            {
                // Zeros are not valid input for every model (indices, lengths); serving still works.
                log($"warning: warm-up run of '{source.Name}' failed (the model is served anyway): {ex.Message}");
            }

            batcher.Start();
            served.IsReady = true;
            log($"loaded '{source.Name}' v{source.Version} from {source.Path} on {model.Device} in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms; " +
                (signature.IsBatchable ? $"batching up to {options.MaxBatchRows} rows" : "not batchable (no symbolic dimension 0): one request at a time"));
            return served;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
