using System.Globalization;
using System.Runtime.InteropServices;

namespace Aot.LoadGen.Results;

/// <summary>The machine a run was measured on.</summary>
internal sealed record MachineInfo(int Processors, string CpuModel, double MemoryGb, string Os, string Runtime, string LoadAverage)
{
    public static MachineInfo Current()
    {
        string cpu = ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        string? memLine = ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        double memory = memLine is null ? 0 : long.Parse(memLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0 / 1024.0;
        return new MachineInfo(Systems.CpuPlacement.MachineCpuCount(), cpu, Math.Round(memory, 1), RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription, LoadAverageNow());
    }

    /// <summary>The first three fields of /proc/loadavg.</summary>
    public static string LoadAverageNow() =>
        string.Join(' ', ReadLines("/proc/loadavg").FirstOrDefault()?.Split(' ').Take(3) ?? ["?"]);

    private static string[] ReadLines(string path) => File.Exists(path) ? File.ReadAllLines(path) : [];
}
