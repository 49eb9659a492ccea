using System.Diagnostics;
using Aot.Runtime;
using Aot.Embeddings;
using Aot.Server.Batching;
using Aot.Server.Classification;
using Aot.Server.Embeddings;
using Aot.Server.Metrics;

namespace Aot.Server.Models;

/// <summary>Loads model files, derives their serving signatures, creates their batchers, warms them up and starts them.</summary>
internal static class ModelLoader
{
    /// <summary>Loads every source with its own <see cref="ModelSource.Settings"/> over <paramref name="serverWide"/> (CUDA options, log).</summary>
    public static ModelRepository Load(IReadOnlyList<ModelSource> sources, ModelOptions serverWide, Action<string> log) =>
        Load(sources, source =>
        {
            try
            {
                return (source.Settings.ToModelOptions(serverWide, textModel: source.Embedding is not null), source.Settings.ToBatcherOptions());
            }
            catch (FormatException ex)
            {
                throw new StartupException($"Model '{source.Name}': {ex.Message}", ex);
            }
        }, log);

    /// <summary>Loads every source with the same options (tests, benchmarks, compiled-in servers' own callers).</summary>
    public static ModelRepository Load(IReadOnlyList<ModelSource> sources, ModelOptions modelOptions, BatcherOptions batcherOptions, Action<string> log) =>
        Load(sources, _ => (modelOptions, batcherOptions), log);

    private static ModelRepository Load(IReadOnlyList<ModelSource> sources, Func<ModelSource, (ModelOptions Model, BatcherOptions Batcher)> optionsFor, Action<string> log)
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
                (ModelOptions modelOptions, BatcherOptions batcherOptions) = optionsFor(source);
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

    /// <summary>Loads, warms up and starts one version with its own settings over <paramref name="serverWide"/> (a repository's later loads).</summary>
    /// <exception cref="StartupException">The file, its settings, its signature or its warm-up failed; the message says which.</exception>
    public static ServedModel LoadVersion(ModelSource source, ModelOptions serverWide, Action<string> log)
    {
        ModelOptions modelOptions;
        try
        {
            modelOptions = source.Settings.ToModelOptions(serverWide, textModel: source.Embedding is not null);
        }
        catch (FormatException ex)
        {
            throw new StartupException($"Model '{source.Name}': {ex.Message}", ex);
        }

        return LoadOne(source, modelOptions, source.Settings.ToBatcherOptions(), log);
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
            BatcherOptions options = (signature.IsBatchable ? batcherOptions : batcherOptions with { MaxBatchRows = 1 }).ForDevice(model.Device);
            // A text model whose one output is [batch, labels] is a sequence classifier, not an encoder.
            bool classifier = source.Embedding is not null && signature.IsBatchable && ClassifierEndpoint.IsClassifier(model);
            EmbeddingModel? text = classifier ? null : PrepareEmbeddings(source, model, signature, log);
            if (text is not null || classifier)
            {
                // Texts come in every length: the batcher pads them to the batch's longest (mask 0) and trims back.
                options = options with { PadSequences = true };
            }

            var batcher = new DynamicBatcher(source.Name, signature, new GeneralModelAdapter(() => new RunnerExecutor(model.CreateRunner())), options, metrics);
            var served = new ServedModel(source.Name, source.Version, model, signature, batcher, metrics)
            {
                Settings = source.Settings with { MaxBatch = options.MaxBatchRows, PadSequences = options.PadSequences, MaxBatchTokens = options.MaxBatchTokens },
                Fingerprint = SourceFingerprint.Of(source),
                SourcePath = source.Path,
            };
            if (text is not null)
            {
                served.Embeddings = new EmbeddingEndpoint(served, text, source.Embedding!);
            }
            else if (classifier)
            {
                served.Classifier = ClassifierEndpoint.Create(served, source.Path, source.Embedding!);
            }
            if (source.Settings.Warmup)
            {
                try
                {
                    batcher.WarmUp();
                }
                catch (Exception ex)
                {
                    // A version that cannot run its own warm-up is not served; a model whose inputs cannot be zeros sets "warmup": false.
                    batcher.Dispose();
                    served.Embeddings?.Dispose();
                    throw new StartupException($"Model '{source.Name}' v{source.Version} ({source.Path}): warm-up failed, the version is not served: {ex.Message} (\"warmup\": false in its config.json skips it).", ex);
                }
            }

            batcher.Start();
            served.LoadSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            served.IsReady = true;
            log($"loaded '{source.Name}' v{source.Version} from {source.Path} on {model.Device} in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms; " +
                (signature.IsBatchable ? $"batching up to {options.MaxBatchRows} rows" : "not batchable (no symbolic dimension 0): one request at a time") +
                (served.Embeddings is { } e ? $"; text endpoints on (vocabulary {e.Source.VocabularyPath}, {e.Model.Pooling} pooling, up to {e.Model.MaxSequenceLength} tokens)" : "") +
                (served.Classifier is { } c ? $"; classifier endpoints on (vocabulary {c.Source.VocabularyPath}, labels {string.Join(", ", c.Labels)})" : ""));
            log($"settings of '{source.Name}' v{source.Version}: {served.Settings.Describe()}");
            return served;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loads the text side of a model given a vocabulary. An explicit <c>--tokenizer</c> on a model that is no encoder
    /// fails start-up; a sidecar <c>vocab.txt</c> next to one is only a guess, so it is skipped with a warning.
    /// </summary>
    internal static EmbeddingModel? PrepareEmbeddings(ModelSource source, Aot.Runtime.OnnxModel model, ServingSignature signature, Action<string> log)
    {
        if (source.Embedding is not { } text)
        {
            return null;
        }

        string? problem = signature.IsBatchable ? null : "its dimension 0 is not a symbolic batch dimension";
        EmbeddingModel? prepared = null;
        if (problem is null)
        {
            try
            {
                prepared = EmbeddingEndpoint.Prepare(model, text);
            }
            catch (Exception ex) when (ex is ArgumentException or Aot.Runtime.ModelInputException or IOException or InvalidDataException or FormatException)
            {
                problem = ex.Message;
            }
        }

        if (problem is null)
        {
            return prepared;
        }

        if (text.IsExplicit)
        {
            throw new StartupException($"Model '{source.Name}' ({source.Path}) cannot take text with --tokenizer {text.VocabularyPath}: {problem}");
        }

        log($"warning: '{source.Name}' has a {EmbeddingSource.SidecarFileName} next to it but is not served for text: {problem}");
        return null;
    }
}
