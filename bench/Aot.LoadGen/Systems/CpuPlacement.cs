using System.Globalization;

namespace Aot.LoadGen.Systems;

/// <summary>
/// Which CPUs the load generator and the systems under test run on. Unpinned (<see cref="ServerCpus"/> null), every
/// process shares every core. Pinned, every server process — Aot, each peer, the echo floor — is started under
/// <c>taskset -c ServerCpus</c> (util-linux), the same for all, and the load generator itself was started on other CPUs
/// (bench/run.sh starts it under <c>taskset -c ClientCpus</c>); <see cref="ClientCpus"/> is read back from the
/// harness's own affinity, so the results state what was in force, not what was asked.
/// </summary>
/// <param name="ClientCpus">The load generator's CPUs (its <c>Cpus_allowed_list</c>), e.g. <c>0</c> or <c>0-1</c>.</param>
/// <param name="ServerCpus">The CPU list given to <c>taskset -c</c> for every server, or null (not pinned).</param>
internal sealed record CpuPlacement(string ClientCpus, string? ServerCpus)
{
    /// <summary>The placement in force for this process, with servers on <paramref name="serverCpus"/> (null: unpinned).</summary>
    /// <exception cref="ArgumentException">The server CPU list is malformed, names a CPU this machine lacks, or overlaps the load generator's.</exception>
    public static CpuPlacement Current(string? serverCpus)
    {
        string client = ReadAffinity(File.ReadAllText("/proc/self/status"))
            ?? throw new InvalidOperationException("/proc/self/status has no Cpus_allowed_list line: cannot tell which CPUs the load generator runs on.");
        var placement = new CpuPlacement(client, string.IsNullOrWhiteSpace(serverCpus) ? null : serverCpus.Trim());
        placement.Validate(MachineCpuCount());
        return placement;
    }

    /// <summary>
    /// The machine's CPUs (<c>/sys/devices/system/cpu/online</c>), not this process's: <see cref="Environment.ProcessorCount"/>
    /// counts only the CPUs a pinned process may use.
    /// </summary>
    public static int MachineCpuCount()
    {
        const string online = "/sys/devices/system/cpu/online";
        return File.Exists(online) ? ParseList(File.ReadAllText(online).Trim()).Max() + 1 : Environment.ProcessorCount;
    }

    /// <summary>Whether servers are pinned.</summary>
    public bool Pinned => ServerCpus is not null;

    /// <summary>Number of CPUs the servers may use.</summary>
    public int ServerCpuCount(int machineCpus) => ServerCpus is null ? machineCpus : ParseList(ServerCpus).Count;

    /// <summary>The launch as started: under <c>taskset -c</c> when pinned, unchanged otherwise.</summary>
    public ServerLaunch Apply(ServerLaunch launch) => ServerCpus is null
        ? launch
        : new ServerLaunch("taskset", ["-c", ServerCpus, launch.Executable, .. launch.Arguments], launch.Environment);

    /// <summary>One sentence for results.md.</summary>
    public string Describe() => ServerCpus is null
        ? $"not pinned: the load generator (CPUs {ClientCpus}) and every server share all cores"
        : $"pinned: the load generator on CPU {ClientCpus}, every server (Aot, each peer, the echo floor) on CPU {ServerCpus} (taskset -c {ServerCpus}); the in-process floor runs in the load generator, on CPU {ClientCpus}";

    /// <summary>Refuses a malformed list, a CPU the machine lacks, or servers sharing the load generator's CPUs.</summary>
    public void Validate(int machineCpus)
    {
        if (ServerCpus is null)
        {
            return;
        }

        IReadOnlySet<int> server = ParseList(ServerCpus);
        if (server.Any(cpu => cpu >= machineCpus))
        {
            throw new ArgumentException($"--server-cpus {ServerCpus} names CPU {server.Max()}, but this machine has CPUs 0-{machineCpus - 1}.");
        }

        IReadOnlySet<int> client = ParseList(ClientCpus);
        if (server.Overlaps(client))
        {
            throw new ArgumentException(
                $"--server-cpus {ServerCpus} overlaps the load generator's CPUs ({ClientCpus}); start the harness under 'taskset -c LIST' on other CPUs (bench/run.sh --pin does).");
        }
    }

    /// <summary>The <c>Cpus_allowed_list</c> value of a /proc/PID/status text, or null.</summary>
    public static string? ReadAffinity(string status) =>
        status.Split('\n').FirstOrDefault(line => line.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal))?.Split(':', 2)[1].Trim();

    /// <summary>A CPU list as taskset and /proc write it (<c>0</c>, <c>1-3</c>, <c>0,2-3</c>) as a set.</summary>
    /// <exception cref="ArgumentException">Not such a list.</exception>
    public static IReadOnlySet<int> ParseList(string list)
    {
        var cpus = new SortedSet<int>();
        foreach (string part in list.Split(',', StringSplitOptions.TrimEntries))
        {
            string[] range = part.Split('-', StringSplitOptions.TrimEntries);
            if (range.Length is < 1 or > 2 || !range.All(r => int.TryParse(r, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            {
                throw new ArgumentException($"'{list}' is not a CPU list like 0, 1-3 or 0,2-3.");
            }

            int first = int.Parse(range[0], CultureInfo.InvariantCulture);
            int last = int.Parse(range[^1], CultureInfo.InvariantCulture);
            if (last < first)
            {
                throw new ArgumentException($"'{list}' has a descending range '{part}'.");
            }

            for (int cpu = first; cpu <= last; cpu++)
            {
                cpus.Add(cpu);
            }
        }

        return cpus;
    }
}
