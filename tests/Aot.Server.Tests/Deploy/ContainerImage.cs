using System.Collections.Concurrent;
using System.Globalization;
using Aot.Server.Tests.Infrastructure;

namespace Aot.Server.Tests.Deploy;

/// <summary>
/// An image built by deploy/build-image.sh (with Buildah here: daemonless, vfs storage, chroot isolation) and its
/// containers, run with <c>buildah run --isolation chroot</c> on the host network (the engine's own `run` of
/// Podman fails in these sandboxes). Each flavour is built once per test run.
/// </summary>
internal sealed record ContainerImage(string Tag, string Archive, long SizeBytes, string BuildLog)
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<ContainerImage>>> Built = new(StringComparer.Ordinal);

    public static string[] Buildah => ["--storage-driver", "vfs"];

    /// <summary>
    /// Builds the flavour once (<paramref name="tls"/>: with OpenSSL, the script's <c>--tls</c>); <paramref name="published"/>
    /// is a folder `dotnet publish` wrote (null: the script publishes).
    /// </summary>
    public static Task<ContainerImage> BuildAsync(string flavour, string? published, bool tls = false) =>
        Built.GetOrAdd(tls ? flavour + "-tls" : flavour, _ => new Lazy<Task<ContainerImage>>(() => RunScriptAsync(flavour, published, tls))).Value;

    private static async Task<ContainerImage> RunScriptAsync(string flavour, string? published, bool tls)
    {
        string variant = tls ? flavour + "-tls" : flavour;
        string tag = $"aot-test:{variant}";
        string archive = Path.Combine(Path.GetTempPath(), $"aot-test-{variant}-{Guid.NewGuid():N}.oci.tar");
        string[] arguments = ["deploy/build-image.sh", "--flavour", flavour, .. tls ? ["--tls"] : Array.Empty<string>(), "--tag", tag, "--output", archive, .. published is null ? Array.Empty<string>() : ["--from", published]];
        (int exit, string stdout, string stderr) = await ToolRun.RunAsync("bash", arguments, TimeSpan.FromMinutes(15));
        Assert.True(exit == 0, $"bash {string.Join(' ', arguments)} exited {exit}:\n{stderr}\n{stdout}");
        string Line(string key) => stdout.Split('\n').Select(static l => l.Trim()).FirstOrDefault(l => l.StartsWith(key + ": ", StringComparison.Ordinal))?[(key.Length + 2)..]
            ?? throw new InvalidOperationException($"build-image.sh printed no '{key}:' line:\n{stdout}");
        Assert.Equal("buildah", Line("engine"));
        FileInfo written = new(Line("archive"));
        Assert.True(written.Exists && written.Length > 1 << 20, $"the OCI archive {written.FullName} was not written");
        written.Delete(); // the tests run the image from the engine's storage; the archive only had to be written
        return new ContainerImage(Line("image"), Line("archive"), long.Parse(Line("size"), CultureInfo.InvariantCulture), stderr);
    }

    /// <summary>A working container of the image (removed on dispose).</summary>
    public async Task<Container> CreateContainerAsync()
    {
        string name = $"aot-test-{Guid.NewGuid():N}";
        await ToolRun.RunCheckedAsync("buildah", [.. Buildah, "from", "--name", name, Tag], TimeSpan.FromMinutes(2));
        return new Container(name);
    }

    /// <summary>The image's configuration, as `buildah inspect --format` prints it.</summary>
    public async Task<string> InspectAsync(string format) =>
        (await ToolRun.RunCheckedAsync("buildah", [.. Buildah, "inspect", "--type", "image", "--format", format, Tag], TimeSpan.FromMinutes(1))).Trim();
}

/// <summary>A Buildah working container.</summary>
internal sealed class Container(string name) : IAsyncDisposable
{
    public string Name { get; } = name;

    /// <summary>
    /// Starts <paramref name="executable"/> (a path in the image) as the server, with the test's free ports on the host
    /// network and <paramref name="volumes"/> (<c>HOST:CONTAINER:ro</c>) mounted; waits until it is ready.
    /// </summary>
    public Task<ServerProcess> StartServerAsync(string executable, IEnumerable<string> arguments, params string[] volumes) =>
        StartServerAsync(executable, arguments, tls: false, volumes);

    /// <summary>As above; <paramref name="tls"/>: the arguments give a certificate, so readiness is checked over HTTPS.</summary>
    public Task<ServerProcess> StartServerAsync(string executable, IEnumerable<string> arguments, bool tls, params string[] volumes) =>
        ServerProcess.StartAsync("buildah", arguments, launcher: [.. ContainerImage.Buildah, "run", "--isolation", "chroot", .. volumes.SelectMany(static v => new[] { "--volume", v }), Name, "--", executable], tls: tls);

    /// <summary>Runs a command in the container to completion.</summary>
    public Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] command) =>
        ToolRun.RunAsync("buildah", [.. ContainerImage.Buildah, "run", "--isolation", "chroot", Name, "--", .. command], TimeSpan.FromMinutes(1));

    /// <summary>
    /// The server process inside: with chroot isolation it is a descendant of the engine in the host's process table,
    /// running <paramref name="executable"/>.
    /// </summary>
    public static int FindServer(int enginePid, string executable)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
            {
                continue;
            }

            try
            {
                // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                int parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                (children.TryGetValue(parent, out List<int>? list) ? list : children[parent] = []).Add(pid);
            }
            catch (IOException)
            {
                // The process ended while the table was read.
            }
        }

        var pending = new Stack<int>([enginePid]);
        while (pending.TryPop(out int pid))
        {
            foreach (int child in children.GetValueOrDefault(pid) ?? [])
            {
                string commandLine;
                try
                {
                    commandLine = File.ReadAllText($"/proc/{child}/cmdline");
                }
                catch (IOException)
                {
                    continue;
                }

                if (commandLine.StartsWith(executable + "\0", StringComparison.Ordinal))
                {
                    return child;
                }

                pending.Push(child);
            }
        }

        throw new InvalidOperationException($"no process running {executable} under the engine (pid {enginePid})");
    }

    public async ValueTask DisposeAsync() =>
        await ToolRun.RunAsync("buildah", [.. ContainerImage.Buildah, "rm", Name], TimeSpan.FromMinutes(1));
}
