using Aot.Runtime;
using Aot.Server.Embeddings;
using Aot.Server.Models;

namespace Aot.Server.Hosting;

/// <summary>
/// Keeps the served versions in step with <c>--repository</c> while the server runs: with <c>--model-control poll</c> a
/// background thread scans it every <c>--poll-secs</c> (new version folders, removed ones, changed files or config.json);
/// with <c>explicit</c> the repository API asks for a model's load or unload. Either way the work is
/// <see cref="ModelLifecycle"/>'s: load aside, swap, drain, free, one operation per model at a time.
/// </summary>
internal sealed class ModelControl : IDisposable
{
    private readonly ServerOptions _options;
    private readonly string _repositoryPath;
    private readonly Action<string> _log;
    private readonly CancellationTokenSource _stopping = new();
    private Thread? _poller;
    private int _disposed;

    public ModelControl(ServerOptions options, ModelRepository repository, Action<string> log)
    {
        _options = options;
        _repositoryPath = Path.GetFullPath(options.Repository ?? throw new StartupException($"--model-control {options.ModelControl.ToString().ToLowerInvariant()} needs --repository DIR."));
        _log = log;
        ModelOptions serverWide = options.ToModelOptions(log);
        Lifecycle = new ModelLifecycle(repository, source => LoadVersion(source, serverWide, log), log,
            TimeSpan.FromSeconds(options.DrainTimeoutSeconds), ReturnFreedMemory);
    }

    public ModelLifecycle Lifecycle { get; }

    public ModelControlMode Mode => _options.ModelControl;

    /// <summary>
    /// Loads the repository's models — every one, or those of <c>--load-model</c> — (a failed version is recorded, not
    /// fatal), then starts polling if asked.
    /// </summary>
    /// <exception cref="StartupException">A <c>--load-model</c> name is not a folder of the repository.</exception>
    public void Start()
    {
        IReadOnlyList<string> chosen = _options.LoadModels;
        if (chosen.Count == 0 || chosen.Contains("*"))
        {
            Reconcile(retryFailed: true);
        }
        else
        {
            foreach (string name in chosen.Distinct(StringComparer.Ordinal))
            {
                if (RefuseName(name) is { } refusal)
                {
                    throw new StartupException($"--load-model: {refusal}");
                }

                if (!HasFolder(name))
                {
                    string[] known = Directory.Exists(_repositoryPath) ? [.. ModelSource.ModelNames(_repositoryPath)] : [];
                    throw new StartupException($"--load-model {name}: {_repositoryPath} has no folder '{name}' (its models: {(known.Length == 0 ? "none" : string.Join(", ", known))}).");
                }

                Lifecycle.Serialized(name, () => Apply(name, retryFailed: true));
            }
        }

        if (Mode == ModelControlMode.Poll)
        {
            _poller = new Thread(PollLoop) { IsBackground = true, Name = "aot-repository-poll" };
            _poller.Start();
        }
    }

    private static ServedModel LoadVersion(ModelSource source, ModelOptions serverWide, Action<string> log)
    {
        ServedModel model = ModelLoader.LoadVersion(source, serverWide, log);
        try
        {
            ServerHost.RunWarmupFile(model, log);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// After an unload (rare): the version's pooled requests and buffers are garbage now, and its native memory is free
    /// but may sit in glibc's heap; a compacting collection and a heap trim give both back to the system.
    /// </summary>
    private static void ReturnFreedMemory()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        NativeHeap.Trim();
    }

    /// <summary>Whether <paramref name="name"/> has a folder in the repository.</summary>
    public bool HasFolder(string name) => ModelSource.IsValidName(name) && Directory.Exists(Path.Combine(_repositoryPath, name));

    /// <summary>The repository folder a request's model name stands for, or why the name is refused (never a path outside the repository).</summary>
    public string? RefuseName(string name)
    {
        if (name.Length == 0 || name.Contains('/') || name.Contains('\\') || name.Contains('\0') || name.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(name))
        {
            return $"Model name '{name.Replace("\0", "\\0", StringComparison.Ordinal)}' is not allowed: a model name is one folder of the repository, without '/', '\\', '..', NUL or a root.";
        }

        if (!ModelSource.IsValidName(name))
        {
            return $"Model name '{name}' is not allowed: it may contain only letters, digits, '_', '-' and '.'.";
        }

        string full = Path.GetFullPath(Path.Combine(_repositoryPath, name));
        return full.StartsWith(_repositoryPath + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? null : $"Model name '{name}' points outside the repository.";
    }

    /// <summary>Loads (or reloads what changed of) <paramref name="name"/>; returns the versions that failed, with their reasons.</summary>
    public Task<IReadOnlyList<ModelVersionStatus>> LoadAsync(string name) =>
        Lifecycle.SerializedAsync(name, () => Apply(name, retryFailed: true));

    /// <summary>Unloads every version of <paramref name="name"/>; returns how many were served.</summary>
    public Task<int> UnloadAsync(string name) => Lifecycle.SerializedAsync(name, () => Lifecycle.Unload(name));

    /// <summary>One pass over the repository: every model folder, and every repository model served whose folder is gone.</summary>
    public void Reconcile(bool retryFailed)
    {
        IEnumerable<string> names = Directory.Exists(_repositoryPath) ? ModelSource.ModelNames(_repositoryPath) : [];
        IEnumerable<string> servedFromHere = Lifecycle.Repository.All.Where(IsInRepository).Select(static m => m.Name);
        foreach (string name in names.Union(servedFromHere, StringComparer.Ordinal).ToArray())
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            Lifecycle.Serialized(name, () => Apply(name, retryFailed));
        }
    }

    private IReadOnlyList<ModelVersionStatus> Apply(string name, bool retryFailed)
    {
        IReadOnlyList<ModelSource> available;
        try
        {
            available = ModelConfigs.Apply(ModelSource.ScanModel(_repositoryPath, name, skipIncomplete: true), ForModel(name));
            available = EmbeddingSources.Apply(available, ForModel(name));
        }
        catch (Exception ex) when (ex is StartupException or IOException or UnauthorizedAccessException)
        {
            // A config.json that does not parse: nothing of the model changes until it is fixed.
            _log($"error: model '{name}' in {_repositoryPath} is left as it is: {ex.Message}");
            return [new ModelVersionStatus(name, 0, ModelVersionState.Unavailable, ex.Message)];
        }

        VersionPolicy policy = available.FirstOrDefault()?.Settings.VersionPolicy ?? _options.VersionPolicy;
        return Lifecycle.Apply(name, available, policy, retryFailed);
    }

    /// <summary>The server's options as they apply to one repository model (its text options only; its config is its folder's).</summary>
    private ServerOptions ForModel(string name) => _options with
    {
        Configs = [],
        Tokenizers = [.. _options.Tokenizers.Where(t => t.StartsWith(name + "=", StringComparison.Ordinal))],
        Poolings = [.. _options.Poolings.Where(p => p.StartsWith(name + "=", StringComparison.Ordinal))],
        Prompts = [.. _options.Prompts.Where(p => p.StartsWith(name + ":", StringComparison.Ordinal))],
    };

    private bool IsInRepository(ServedModel model) =>
        model.SourcePath?.StartsWith(_repositoryPath + Path.DirectorySeparatorChar, StringComparison.Ordinal) == true;

    private void PollLoop()
    {
        while (!_stopping.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(_options.PollSeconds)))
        {
            try
            {
                Reconcile(retryFailed: false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _log($"error: scanning {_repositoryPath} failed (retried in {_options.PollSeconds} s): {ex.Message}");
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping.Cancel();
        _poller?.Join();
        _stopping.Dispose();
    }
}
