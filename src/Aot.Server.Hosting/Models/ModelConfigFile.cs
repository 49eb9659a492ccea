using System.Globalization;
using System.Text.Json;
using Aot.Embeddings.Pooling;
using Aot.Runtime;

namespace Aot.Server.Models;

/// <summary>
/// Reads a model's <c>config.json</c> strictly: an unknown key, a value of the wrong type or out of range, invalid JSON
/// or an unreadable file is a <see cref="StartupException"/> naming the file, the key as a JSON path and what is
/// allowed. Read with <see cref="JsonDocument"/> (AOT-safe, no reflection) rather than a generated deserializer: walking
/// the elements lets every error name its exact path and the allowed values, which a deserializer's messages do not.
/// </summary>
internal static class ModelConfigFile
{
    /// <summary>The file name looked for in <c>DIR/&lt;name&gt;/</c> of a repository.</summary>
    public const string FileName = "config.json";

    /// <summary>Every top-level key, in the order of docs/configuration.md (the schema test compares it with docs/config.schema.json).</summary>
    public static IReadOnlyList<string> Keys { get; } =
    [
        "device", "intra_op_threads", "inter_op_threads", "workers", "max_batch", "max_delay_us", "max_queue", "pad_sequences",
        "max_batch_tokens", "optimization_level", "cpu_arena", "warmup", "inline_lone_requests", "text", "version_policy",
    ];

    /// <summary>Every key of the <c>text</c> section.</summary>
    public static IReadOnlyList<string> TextKeys { get; } = ["tokenizer", "pooling", "max_input_length", "max_client_batch_size", "auto_truncate", "prompts"];

    /// <summary>The keys of the three <c>version_policy</c> shapes.</summary>
    public static IReadOnlyList<string> VersionPolicyKeys { get; } = ["latest", "all", "specific"];

    private static readonly string[] OptimizationNames = ["disabled", "basic", "extended", "all"];

    public static string OptimizationName(GraphOptimization level) => level switch
    {
        GraphOptimization.None => "disabled",
        GraphOptimization.Basic => "basic",
        GraphOptimization.Extended => "extended",
        _ => "all",
    };

    /// <summary>Reads and checks <paramref name="path"/>.</summary>
    public static ModelConfig Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"Config file '{path}' cannot be read: {ex.Message}", ex);
        }

        return Parse(bytes, path);
    }

    /// <summary>Checks the JSON document <paramref name="utf8"/>; <paramref name="path"/> names it in errors and resolves relative paths.</summary>
    public static ModelConfig Parse(ReadOnlySpan<byte> utf8, string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8.ToArray(), new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException ex)
        {
            // JsonException counts lines and bytes from 0; editors count from 1.
            throw new StartupException($"Config file '{path}' is not valid JSON at line {(ex.LineNumber ?? 0) + 1}, column {(ex.BytePositionInLine ?? 0) + 1}: {FirstSentence(ex.Message)}", ex);
        }

        using (document)
        {
            RequireValidStrings(utf8, path);
            var reader = new Reader(path);
            return reader.ReadRoot(document.RootElement);
        }
    }

    /// <summary>
    /// Refuses a string or key that is not valid text: bytes that are not UTF-8, or an escaped lone surrogate
    /// (<c>\ud800</c>). JsonDocument checks neither until the value is read, and then throws an InvalidOperationException
    /// that names neither the file nor the place (found by fuzzing: docs/fuzzing.md).
    /// </summary>
    private static void RequireValidStrings(ReadOnlySpan<byte> utf8, string path)
    {
        var reader = new Utf8JsonReader(utf8);
        while (reader.Read())
        {
            if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
            {
                continue;
            }

            try
            {
                reader.GetString();
            }
            catch (InvalidOperationException ex)
            {
                int start = (int)reader.TokenStartIndex;
                int line = utf8[..start].Count((byte)'\n') + 1;
                int column = start - utf8[..start].LastIndexOf((byte)'\n');
                throw new StartupException($"Config file '{path}' has a string that is not valid text at line {line}, column {column}: {ex.Message}", ex);
            }
        }
    }

    private static string FirstSentence(string message)
    {
        // System.Text.Json appends its own position and reader hints; the line and column are already in our message.
        foreach (string tail in new[] { " Change the reader options.", " LineNumber:", " Path:" })
        {
            int cut = message.IndexOf(tail, StringComparison.Ordinal);
            if (cut > 0)
            {
                message = message[..cut];
            }
        }

        return message.TrimEnd();
    }

    private sealed class Reader(string path)
    {
        private readonly string _folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? ".";

        public ModelConfig ReadRoot(JsonElement root)
        {
            RequireObject(root, "$");
            var config = new ModelConfig { Path = System.IO.Path.GetFullPath(path) };
            foreach (JsonProperty property in Properties(root, "$", Keys))
            {
                string at = "$." + property.Name;
                JsonElement value = property.Value;
                config = property.Name switch
                {
                    "device" => config with { Device = Device(value, at) },
                    "intra_op_threads" => config with { IntraOpThreads = Int(value, at, 0, 1024, "0 (one per physical core) or a thread count") },
                    "inter_op_threads" => config with { InterOpThreads = Int(value, at, 0, 1024, "0 (ONNX Runtime's default) or a thread count") },
                    "workers" => config with { Workers = Int(value, at, 1, 256, "a worker count") },
                    "max_batch" => config with { MaxBatch = Int(value, at, 1, 1 << 20, "rows per batch; 1 turns batching off") },
                    "max_delay_us" => config with { MaxDelayMicros = Int(value, at, 0, 10_000_000, "microseconds") },
                    "max_queue" => config with { MaxQueue = Int(value, at, 1, 1 << 24, "queued requests") },
                    "pad_sequences" => config with { PadSequences = Bool(value, at) },
                    "max_batch_tokens" => config with { MaxBatchTokens = Int(value, at, 0, int.MaxValue, "0 (rows only) or padded tokens per batch") },
                    "optimization_level" => config with { OptimizationLevel = Optimization(value, at) },
                    "cpu_arena" => config with { CpuArena = OneOf(value, at, ["auto", "on", "off"]) },
                    "warmup" => config with { Warmup = Bool(value, at) },
                    "inline_lone_requests" => config with { InlineLoneRequests = Bool(value, at) },
                    "text" => config with { Text = Text(value, at) },
                    _ => config with { VersionPolicy = Policy(value, at) },
                };
            }

            return config;
        }

        private TextConfig Text(JsonElement element, string at)
        {
            RequireObject(element, at);
            var text = new TextConfig();
            foreach (JsonProperty property in Properties(element, at, TextKeys))
            {
                string key = at + "." + property.Name;
                JsonElement value = property.Value;
                text = property.Name switch
                {
                    "tokenizer" => text with { Tokenizer = Tokenizer(value, key) },
                    "pooling" => text with { Pooling = OneOf(value, key, ["mean", "cls"]) == "cls" ? PoolingMode.Cls : PoolingMode.Mean },
                    "max_input_length" => text with { MaxInputLength = Int(value, key, 2, 1 << 20, "tokens per text, [CLS] and [SEP] included") },
                    "max_client_batch_size" => text with { MaxClientBatchSize = Int(value, key, 1, 1 << 20, "texts per request") },
                    "auto_truncate" => text with { AutoTruncate = Bool(value, key) },
                    _ => text with { Prompts = Prompts(value, key) },
                };
            }

            return text;
        }

        private string Tokenizer(JsonElement value, string at)
        {
            string given = String(value, at, "a path to a WordPiece vocab.txt (relative to the config file's folder)");
            string full = System.IO.Path.GetFullPath(System.IO.Path.Combine(_folder, given));
            if (!File.Exists(full))
            {
                throw Error(at, $"vocabulary file '{full}' was not found");
            }

            return full;
        }

        private Dictionary<string, string> Prompts(JsonElement element, string at)
        {
            RequireObject(element, at);
            var prompts = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (JsonProperty property in element.EnumerateObject())
            {
                string key = at + "." + property.Name;
                if (!prompts.TryAdd(property.Name, String(property.Value, key, "the prompt text")))
                {
                    throw Error(key, "is given twice");
                }
            }

            return prompts;
        }

        private VersionPolicy Policy(JsonElement element, string at)
        {
            const string Shapes = "one of {\"latest\":{\"num_versions\":N}}, {\"all\":{}}, {\"specific\":{\"versions\":[N, ...]}}";
            RequireObject(element, at, Shapes);
            JsonProperty[] properties = [.. Properties(element, at, VersionPolicyKeys)];
            if (properties.Length != 1)
            {
                throw Error(at, $"must hold exactly one policy, {Shapes}; it holds {properties.Length}");
            }

            JsonProperty policy = properties[0];
            string key = at + "." + policy.Name;
            RequireObject(policy.Value, key);
            switch (policy.Name)
            {
                case "latest":
                    int count = 0;
                    foreach (JsonProperty p in Properties(policy.Value, key, ["num_versions"]))
                    {
                        count = Int(p.Value, key + ".num_versions", 1, 1 << 20, "how many of the highest versions to serve");
                    }

                    return count == 0 ? throw Error(key + ".num_versions", "is required (an integer ≥ 1)") : VersionPolicy.Latest(count);
                case "all":
                    _ = Properties(policy.Value, key, []).Count();
                    return VersionPolicy.All;
                default:
                    long[]? versions = null;
                    foreach (JsonProperty p in Properties(policy.Value, key, ["versions"]))
                    {
                        versions = Versions(p.Value, key + ".versions");
                    }

                    return versions is null ? throw Error(key + ".versions", "is required (a non-empty array of version numbers ≥ 1)") : VersionPolicy.Specific(versions);
            }
        }

        private long[] Versions(JsonElement element, string at)
        {
            if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() == 0)
            {
                throw Error(at, $"expected a non-empty array of version numbers ≥ 1, got {Describe(element)}");
            }

            var versions = new List<long>();
            int i = 0;
            foreach (JsonElement item in element.EnumerateArray())
            {
                string key = $"{at}[{i++}]";
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long version) || version < 1)
                {
                    throw Error(key, $"expected a version number ≥ 1, got {Describe(item)}");
                }

                versions.Add(version);
            }

            return [.. versions.Distinct().Order()];
        }

        private string Device(JsonElement value, string at)
        {
            const string Allowed = "cpu, cuda, cuda:N or auto";
            string text = String(value, at, Allowed);
            try
            {
                _ = ModelOptions.ParseDevice(text);
            }
            catch (FormatException)
            {
                throw Error(at, $"expected one of {Allowed}, got \"{text}\"");
            }

            return text.Trim().ToLowerInvariant();
        }

        private GraphOptimization Optimization(JsonElement value, string at) =>
            OneOf(value, at, OptimizationNames) switch
            {
                "disabled" => GraphOptimization.None,
                "basic" => GraphOptimization.Basic,
                "extended" => GraphOptimization.Extended,
                _ => GraphOptimization.All,
            };

        private string OneOf(JsonElement value, string at, string[] allowed)
        {
            string list = string.Join(", ", allowed.Select(static a => "\"" + a + "\""));
            string text = String(value, at, "one of " + list);
            return Array.IndexOf(allowed, text) >= 0 ? text : throw Error(at, $"expected one of {list}, got \"{text}\"");
        }

        private string String(JsonElement value, string at, string allowed) =>
            value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Error(at, $"expected a string ({allowed}), got {Describe(value)}");

        private bool Bool(JsonElement value, string at) => value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(at, $"expected true or false, got {Describe(value)}"),
        };

        private int Int(JsonElement value, string at, int min, int max, string meaning)
        {
            string allowed = string.Create(CultureInfo.InvariantCulture, $"an integer from {min} to {max} ({meaning})");
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long number))
            {
                throw Error(at, $"expected {allowed}, got {Describe(value)}");
            }

            return number < min || number > max ? throw Error(at, $"expected {allowed}, got {number.ToString(CultureInfo.InvariantCulture)}") : (int)number;
        }

        private void RequireObject(JsonElement element, string at, string? allowed = null)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw Error(at, $"expected an object{(allowed is null ? "" : " (" + allowed + ")")}, got {Describe(element)}");
            }
        }

        /// <summary>The object's properties; an unknown or repeated key fails, listing the allowed ones.</summary>
        private IEnumerable<JsonProperty> Properties(JsonElement element, string at, IReadOnlyList<string> allowed)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in element.EnumerateObject())
            {
                string key = at + "." + property.Name;
                if (!allowed.Contains(property.Name))
                {
                    throw Error(key, allowed.Count == 0 ? "unknown key: this object takes no keys" : $"unknown key; allowed keys here: {string.Join(", ", allowed)}");
                }

                if (!seen.Add(property.Name))
                {
                    throw Error(key, "is given twice");
                }

                yield return property;
            }
        }

        private string Describe(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.String => $"the string \"{value.GetString()}\"",
            JsonValueKind.Number => $"the number {value.GetRawText()}",
            JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            JsonValueKind.Null => "null",
            JsonValueKind.Array => "an array",
            _ => "an object",
        };

        private StartupException Error(string at, string problem) => new($"Config file '{path}': key '{at}': {problem}.");
    }
}
