using System.Diagnostics;
using System.Globalization;
using Aot.Runtime;
using Aot.Server.Batching;
using Aot.Server.Embeddings;
using Aot.Server.Hosting;
using Aot.Server.Metrics;
using Aot.Server.Models;

namespace Aot.Server.Compiled;

/// <summary>
/// Loads the models of a server built with compiled-in models: each <see cref="CompiledModel"/> from
/// <c>--model NAME=PATH</c> (same name), else its embedded copy, else its file next to the executable; checks it
/// against the compiled signature (a mismatch fails start-up listing every difference); and serves it through the
/// generated validation and batch filling. <c>--model</c> entries with other names and <c>--repository</c> are loaded
/// the way <c>aot serve</c> loads them, so one binary can serve both. A compiled-in encoder answers text (<c>/embed</c>,
/// OpenAI) as a runtime-loaded one does: given <c>--tokenizer NAME=VOCAB</c>, or a <c>vocab.txt</c> next to its file
/// (next to the executable for an embedded model).
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

        // The text options (--tokenizer, --pooling, --prompt, limits) apply to compiled-in and runtime-loaded models alike.
        var compiledSources = compiled.Select(m => TextSource(m, paths.GetValueOrDefault(m.Name))).ToList();
        IReadOnlyList<ModelSource> withText = EmbeddingSources.Apply([.. compiledSources, .. VersionSelection.Apply(ModelConfigs.Apply(runtimeSources, options), options.VersionPolicy)], options);
        ModelOptions modelOptions = options.ToModelOptions(log);
        BatcherOptions batcherOptions = options.ToBatcherOptions();
        var loaded = new List<ServedModel>();
        try
        {
            for (int i = 0; i < compiled.Count; i++)
            {
                loaded.Add(LoadOne(compiled[i], paths.GetValueOrDefault(compiled[i].Name), modelOptions, batcherOptions, log, withText[i], options.SettingsFor(null)));
            }

            if (runtimeSources.Count > 0)
            {
                // The runtime-loaded models keep their own repository's ownership until they are handed over here.
                ModelRepository others = ModelLoader.Load([.. withText.Skip(compiled.Count)], modelOptions, log);
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

    /// <summary>Where a compiled-in model's file is (or would be) and its sidecar vocabulary, for the text options.</summary>
    private static ModelSource TextSource(CompiledModel compiled, string? path)
    {
        string file = path ?? Path.Combine(AppContext.BaseDirectory, compiled.ModelFileName);
        return new ModelSource(compiled.Name, 1, file) { Embedding = EmbeddingSource.FindSidecar(file) };
    }

    /// <summary>Loads, checks and starts one compiled-in model; with <paramref name="textSource"/>'s vocabulary it also answers text.</summary>
    internal static ServedModel LoadOne(CompiledModel compiled, string? path, ModelOptions modelOptions, BatcherOptions batcherOptions, Action<string> log, ModelSource? textSource = null, ModelSettings? settings = null)
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
            BatcherOptions options = (signature.IsBatchable ? batcherOptions : batcherOptions with { MaxBatchRows = 1 }).ForDevice(model.Device);
            Aot.Embeddings.EmbeddingModel? text = textSource is null ? null : ModelLoader.PrepareEmbeddings(textSource with { Path = source }, model, signature, log);
            if (text is not null)
            {
                // Texts come in every length: padded batches, which the generated batch filling declines to the general loop.
                options = options with { PadSequences = true };
            }

            var batcher = new DynamicBatcher(compiled.Name, signature, new CompiledModelAdapter(compiled, model, exact), options, metrics);
            var served = new ServedModel(compiled.Name, 1, model, signature, batcher, metrics) { Settings = settings with { MaxBatchTokens = options.MaxBatchTokens } };
            if (text is not null)
            {
                served.Embeddings = new EmbeddingEndpoint(served, text, textSource!.Embedding!);
            }

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
                (signature.IsBatchable ? $"batching up to {options.MaxBatchRows} rows" : "not batchable: one request at a time") +
                (served.Embeddings is { } e ? $"; text endpoints on (vocabulary {e.Source.VocabularyPath}, {e.Model.Pooling} pooling, up to {e.Model.MaxSequenceLength} tokens)" : ""));
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
