using Aot.Embeddings.Pooling;
using Aot.Server.Hosting;
using Aot.Server.Models;

namespace Aot.Server.Embeddings;

/// <summary>Applies the text options (<c>--tokenizer</c>, <c>--pooling</c>, limits) to the models to serve.</summary>
internal static class EmbeddingSources
{
    /// <summary>
    /// The sources with their <see cref="ModelSource.Embedding"/> set from the options; a name that matches no model,
    /// a missing vocabulary file, a pooling that is neither mean nor cls, or limits below 1 fail start-up, saying which.
    /// </summary>
    public static IReadOnlyList<ModelSource> Apply(IReadOnlyList<ModelSource> sources, ServerOptions options)
    {
        if (options.MaxClientBatchSize < 1)
        {
            throw new StartupException($"--max-client-batch-size must be at least 1; it is {options.MaxClientBatchSize}.");
        }

        if (options.MaxInputLength < 2)
        {
            throw new StartupException($"--max-input-length must be at least 2 ([CLS] and [SEP]); it is {options.MaxInputLength}.");
        }

        var vocabularies = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string spec in options.Tokenizers)
        {
            (string name, string path) = Split(spec, "--tokenizer", "NAME=VOCAB_PATH", sources);
            if (!File.Exists(path))
            {
                throw new StartupException($"--tokenizer {name}: vocabulary file '{path}' was not found.");
            }

            if (!vocabularies.TryAdd(name, Path.GetFullPath(path)))
            {
                throw new StartupException($"--tokenizer {name} is given twice.");
            }
        }

        var poolings = new Dictionary<string, PoolingMode>(StringComparer.Ordinal);
        foreach (string spec in options.Poolings)
        {
            (string name, string mode) = Split(spec, "--pooling", "NAME=mean|cls", sources);
            PoolingMode pooling = mode.ToLowerInvariant() switch
            {
                "mean" => PoolingMode.Mean,
                "cls" => PoolingMode.Cls,
                _ => throw new StartupException($"--pooling {spec}: the pooling must be 'mean' or 'cls', not '{mode}'."),
            };
            if (!poolings.TryAdd(name, pooling))
            {
                throw new StartupException($"--pooling {name} is given twice.");
            }
        }

        Dictionary<string, Dictionary<string, string>> prompts = ParsePrompts(options.Prompts, sources);
        var result = new List<ModelSource>(sources.Count);
        foreach (ModelSource source in sources)
        {
            // Per key: the command line's flag, else the model's config file ("text" section), else the default.
            TextConfig? file = source.Config?.Text;
            EmbeddingSource? text = vocabularies.TryGetValue(source.Name, out string? vocabulary)
                ? new EmbeddingSource(vocabulary, IsExplicit: true)
                : file?.Tokenizer is { } configured ? new EmbeddingSource(configured, IsExplicit: true) : source.Embedding;
            if (text is null)
            {
                if (poolings.ContainsKey(source.Name) || prompts.ContainsKey(source.Name))
                {
                    string option = poolings.ContainsKey(source.Name) ? "--pooling" : "--prompt";
                    throw new StartupException($"{option} {source.Name}: the model has no tokenizer; put a vocab.txt next to it or give --tokenizer {source.Name}=VOCAB_PATH.");
                }

                if (file is not null)
                {
                    throw new StartupException($"Config file '{source.Config!.Path}': key '$.text': model '{source.Name}' has no tokenizer; give $.text.tokenizer (a vocab.txt path) or put a vocab.txt next to the model.");
                }

                result.Add(source);
                continue;
            }

            text = text with
            {
                Pooling = poolings.TryGetValue(source.Name, out PoolingMode pooling) ? pooling : file?.Pooling ?? PoolingMode.Mean,
                MaxInputLength = Pick(options, "text.max_input_length", file?.MaxInputLength, options.MaxInputLength),
                Service = text.Service with
                {
                    MaxClientBatchSize = Pick(options, "text.max_client_batch_size", file?.MaxClientBatchSize, options.MaxClientBatchSize),
                    AutoTruncate = Pick(options, "text.auto_truncate", file?.AutoTruncate, options.AutoTruncate),
                    Prompts = prompts.GetValueOrDefault(source.Name) ?? file?.Prompts ?? new Dictionary<string, string>(StringComparer.Ordinal),
                },
            };
            result.Add(source with { Embedding = text });
        }

        return result;
    }

    private static T Pick<T>(ServerOptions options, string key, T? fromFile, T fromFlag) where T : struct =>
        fromFile is { } value && !options.GivenOnCommandLine.Contains(key) ? value : fromFlag;

    /// <summary><c>--prompt MODEL:NAME=TEXT</c>, by model then prompt name; the text is kept as given (spaces included).</summary>
    private static Dictionary<string, Dictionary<string, string>> ParsePrompts(IReadOnlyList<string> specs, IReadOnlyList<ModelSource> sources)
    {
        var prompts = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (string spec in specs)
        {
            int colon = spec.IndexOf(':', StringComparison.Ordinal);
            int equals = colon < 0 ? -1 : spec.IndexOf('=', colon + 1);
            if (colon <= 0 || equals <= colon + 1)
            {
                throw new StartupException($"--prompt '{spec}' is not MODEL:NAME=TEXT.");
            }

            string model = spec[..colon].Trim();
            if (!sources.Any(s => s.Name == model))
            {
                throw new StartupException($"--prompt '{spec}': no model is named '{model}'. Models: {string.Join(", ", sources.Select(static s => s.Name).Distinct())}.");
            }

            string name = spec[(colon + 1)..equals].Trim();
            Dictionary<string, string> forModel = prompts.TryGetValue(model, out var found) ? found : prompts[model] = new(StringComparer.Ordinal);
            if (!forModel.TryAdd(name, spec[(equals + 1)..]))
            {
                throw new StartupException($"--prompt {model}:{name} is given twice.");
            }
        }

        return prompts;
    }

    private static (string Name, string Value) Split(string spec, string option, string form, IReadOnlyList<ModelSource> sources)
    {
        int equals = spec.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0 || equals == spec.Length - 1)
        {
            throw new StartupException($"{option} '{spec}' is not {form}.");
        }

        string name = spec[..equals].Trim();
        if (!sources.Any(s => s.Name == name))
        {
            throw new StartupException($"{option} '{spec}': no model is named '{name}'. Models: {string.Join(", ", sources.Select(static s => s.Name).Distinct())}.");
        }

        return (name, spec[(equals + 1)..].Trim());
    }
}
