using System.Diagnostics;
using System.Globalization;
using Aot.Runtime;
using Aot.Server.Batching;
using Aot.Server.Hosting;
using Aot.Server.Metrics;
using Aot.Server.Models;

namespace Aot.Server.Compiled;

/// <summary>
/// Loads the models of a server built with compiled-in models: each <see cref="CompiledModel"/> from
/// <c>--model NAME=PATH</c> (same name), else its embedded copy, else its file next to the executable; checks it
/// against the compiled signature (a mismatch fails start-up listing every difference); and serves it through the
/// generated validation and batch filling. <c>--model</c> entries with other names and <c>--repository</c> are loaded
/// the way <c>aot serve</c> loads them, so one binary can serve both.
/// </summary>
internal static class CompiledModelLoader
{
    public static ModelRepository Load(IReadOnlyList<CompiledModel> compiled, ServerOptions options, Action<string> log)
    {
        var byName = new Dictionary<string, CompiledModel>(StringComparer.Ordinal);
        foreach (CompiledModel model in compiled)
        {
            if (!byName.TryAdd(model.Name, model))
            {
                throw new StartupException($"Two compiled-in models are named '{model.Name}' ({byName[model.Name].ModelFileName} and {model.ModelFileName}).");
            }
        }

        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        var runtimeSources = new List<ModelSource>();
        foreach (string spec in options.Models)
        {
            ModelSource source = ModelSource.Parse(spec);
            if (byName.ContainsKey(source.Name))
            {
                if (!paths.TryAdd(source.Name, source.Path))
                {
                    throw new StartupException($"--model {source.Name} is given twice.");
                }
            }
            else
            {
                runtimeSources.Add(source);
            }
        }

        if (options.Repository is not null)
        {
            runtimeSources.AddRange(ModelSource.Scan(options.Repository));
        }

        if (runtimeSources.FirstOrDefault(s => byName.ContainsKey(s.Name)) is { } clash)
        {
            throw new StartupException($"Model '{clash.Name}' in --repository is also compiled into this server; rename one of them.");
        }

        if (byName.Count == 0 && runtimeSources.Count == 0)
        {
            throw new StartupException("No models to serve: this server has no compiled-in models; give --model NAME=PATH or --repository DIR.");
        }

        ModelOptions modelOptions = options.ToModelOptions(log);
        BatcherOptions batcherOptions = options.ToBatcherOptions();
        var loaded = new List<ServedModel>();
        try
        {
            foreach (CompiledModel model in compiled)
            {
                loaded.Add(LoadOne(model, paths.GetValueOrDefault(model.Name), modelOptions, batcherOptions, log, options.SettingsFor(null)));
            }

            if (runtimeSources.Count > 0)
            {
                // The runtime-loaded models keep their own repository's ownership until they are handed over here.
                ModelRepository others = ModelLoader.Load(ModelConfigs.Apply(runtimeSources, options), modelOptions, log);
                loaded.AddRange(others.All);
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

    /// <summary>Loads, checks and starts one compiled-in model.</summary>
    internal static ServedModel LoadOne(CompiledModel compiled, string? path, ModelOptions modelOptions, BatcherOptions batcherOptions, Action<string> log, ModelSettings? settings = null)
    {
        settings ??= ModelSettings.Default;
        long started = Stopwatch.GetTimestamp();
        (OnnxModel model, string source) = Open(compiled, path, modelOptions);
        try
        {
            try
            {
                ModelSignature.EnsureMatches(model, compiled.InputSpecs, compiled.OutputSpecs);
            }
            catch (ModelSignatureMismatchException ex)
            {
                throw new StartupException(
                    $"Model '{compiled.Name}' ({source}) does not match the signature compiled into this server from {compiled.ModelFileName}:"
                    + string.Concat(ex.Differences.Select(static d => Environment.NewLine + "  - " + d)), ex);
            }

            var signature = new ServingSignature(model.Metadata);
            if (signature.UnsupportedReason is { } reason)
            {
                throw new StartupException($"Model '{compiled.Name}' ({source}) cannot be served: {reason}.");
            }

            string requestPath;
            bool exact = SignatureIsExactlyCompiled(model.Metadata, compiled) && signature.IsBatchable == compiled.IsBatchable;
            if (exact)
            {
                requestPath = "compiled validation and batch filling";
            }
            else
            {
                // Names, types, ranks and fixed sizes match, but a symbolic dimension was renamed or fixed by the loaded
                // file: the generated checks and batch layout would assume the wrong constraints, so the general ones are used.
                requestPath = "general validation and batch filling (the file's symbolic dimensions differ from the compiled ones)";
            }

            var metrics = new ModelMetrics(compiled.Name, "1");
            BatcherOptions options = signature.IsBatchable ? batcherOptions : batcherOptions with { MaxBatchRows = 1 };
            var batcher = new DynamicBatcher(compiled.Name, signature, new CompiledModelAdapter(compiled, model, exact), options, metrics);
            var served = new ServedModel(compiled.Name, 1, model, signature, batcher, metrics) { Settings = settings };
            try
            {
                batcher.WarmUp();
            }
            catch (Exception ex) when (ex is not StartupException)
            {
                log($"warning: warm-up run of '{compiled.Name}' failed (the model is served anyway): {ex.Message}");
            }

            batcher.Start();
            served.IsReady = true;
            log($"loaded compiled-in '{compiled.Name}' v1 from {source} on {model.Device} in {Stopwatch.GetElapsedTime(started).TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture)} ms; signature verified, {requestPath}; " +
                (signature.IsBatchable ? $"batching up to {options.MaxBatchRows} rows" : "not batchable: one request at a time"));
            return served;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static (OnnxModel Model, string Source) Open(CompiledModel compiled, string? path, ModelOptions options)
    {
        try
        {
            if (path is not null)
            {
                return (OnnxModel.Load(path, options), path);
            }

            if (compiled.HasEmbeddedModel)
            {
                return (compiled.LoadEmbedded(options), $"embedded {compiled.ModelFileName}");
            }

            string besideExecutable = Path.Combine(AppContext.BaseDirectory, compiled.ModelFileName);
            if (!File.Exists(besideExecutable))
            {
                throw new StartupException(
                    $"Model '{compiled.Name}' was compiled from {compiled.ModelFileName} but no model file was found: give --model {compiled.Name}=PATH, " +
                    $"place {compiled.ModelFileName} next to the executable ({AppContext.BaseDirectory}), or build with Embed=\"true\".");
            }

            return (OnnxModel.Load(besideExecutable, options), besideExecutable);
        }
        catch (ModelLoadException ex)
        {
            throw new StartupException($"Model '{compiled.Name}' ({ex.ModelSource}): {ex.Message}", ex);
        }
    }

    /// <summary>Every input dimension of the loaded model is the compiled one: same fixed size, or symbolic with the same symbol.</summary>
    private static bool SignatureIsExactlyCompiled(ModelMetadata metadata, CompiledModel compiled)
    {
        if (metadata.Inputs.Count != compiled.InputSpecs.Count)
        {
            return false;
        }

        for (int i = 0; i < metadata.Inputs.Count; i++)
        {
            TensorInfo info = metadata.Inputs[i];
            TensorSpec spec = compiled.InputSpecs[i];
            if (info.Shape.Count != spec.Dims.Length)
            {
                return false;
            }

            for (int d = 0; d < spec.Dims.Length; d++)
            {
                Dimension dim = info.Shape[d];
                string? symbol = d < spec.Symbols.Length ? spec.Symbols[d] : null;
                if (spec.Dims[d] >= 0 ? dim.Value != spec.Dims[d] : dim.IsFixed || !string.Equals(NullIfEmpty(dim.Symbol), NullIfEmpty(symbol), StringComparison.Ordinal))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
