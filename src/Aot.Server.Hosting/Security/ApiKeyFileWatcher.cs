using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Aot.Server.Models;

namespace Aot.Server.Security;

/// <summary>
/// Rotation without a restart: reads <c>--api-key-file</c> again when its content changes (checked every
/// <c>--api-key-reload-secs</c>, by digest, so a Kubernetes Secret's atomic symlink swap is seen like an edit) and at
/// once on SIGHUP. A file that cannot be read or holds no key is logged and ignored: the keys in use stay, so a
/// half-written or emptied file never opens the server or locks every client out.
/// </summary>
internal sealed class ApiKeyFileWatcher : IDisposable
{
    private readonly ApiKeys _keys;
    private readonly string _file;
    private readonly Action<string> _log;
    private readonly Timer? _timer;
    private readonly PosixSignalRegistration? _hangUp;
    private readonly Lock _gate = new();
    private byte[] _seen;
    private bool _unreadable;

    /// <param name="keys">The keys to refresh; read from a file (<see cref="ApiKeys.KeyFile"/>).</param>
    /// <param name="seconds">Between two looks at the file; 0: only on SIGHUP.</param>
    /// <param name="log">Where a reload or a refused file is said (how many keys, never a key).</param>
    public ApiKeyFileWatcher(ApiKeys keys, int seconds, Action<string> log)
    {
        _keys = keys;
        _file = keys.KeyFile ?? throw new ArgumentException("The keys have no file to watch.", nameof(keys));
        _log = log;
        _seen = Read() is { } content ? SHA256.HashData(content) : [];
        if (seconds > 0)
        {
            _timer = new Timer(static state => ((ApiKeyFileWatcher)state!).Check(signalled: false), this, TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(seconds));
        }

        if (!OperatingSystem.IsWindows())
        {
            _hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true; // SIGHUP means "read your keys again" here, not "terminate"
                Check(signalled: true);
            });
        }
    }

    /// <summary>Reloads when the file's content changed (or always, on SIGHUP); one check at a time.</summary>
    internal void Check(bool signalled)
    {
        lock (_gate)
        {
            byte[]? content = Read();
            if (content is null)
            {
                // Said once, not at every look; mid-swap or gone for now: the next look decides.
                if (signalled || !_unreadable)
                {
                    _log($"error: cannot read --api-key-file {_file}{(signalled ? " (SIGHUP)" : "")}; the {_keys.Count} key(s) in use stay");
                }

                _unreadable = true;
                return;
            }

            _unreadable = false;
            byte[] now = SHA256.HashData(content);
            if (!signalled && now.AsSpan().SequenceEqual(_seen))
            {
                return;
            }

            _seen = now;
            try
            {
                _keys.Reload(Encoding.UTF8.GetString(content)); // the bytes just compared: the file is read once
                _log($"API keys read again from {_file}{(signalled ? " (SIGHUP)" : "")}: {_keys.Count} key(s)"); // how many, never a key
            }
            catch (StartupException ex)
            {
                _log($"error: {ex.Message} The {_keys.Count} key(s) in use stay.");
            }
        }
    }

    private byte[]? Read()
    {
        try
        {
            return File.ReadAllBytes(_file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _hangUp?.Dispose();
    }
}
