using Aot.LoadGen.Resources;
using Xunit;

namespace Aot.Bench.Tests;

public class ProcParserTests
{
    [Fact]
    public void Cpu_seconds_are_utime_plus_stime_in_clock_ticks()
    {
        // A command name with spaces and a parenthesis: fields are counted from the last ')'.
        const string stat = "4242 (aot serve (x)) S 1 4242 4242 0 -1 4194560 1234 0 0 0 250 75 0 0 20 0 9 0 100 1000000 2000 18446744073709551615";
        Assert.Equal(3.25, ProcParser.CpuSeconds(stat), 6);
    }

    [Fact]
    public void Memory_reads_VmRSS_and_VmHWM()
    {
        const string status = "Name:\taot\nVmPeak:\t 900000 kB\nVmHWM:\t  120000 kB\nVmRSS:\t   98765 kB\nThreads:\t9\n";
        Assert.Equal((98765L, 120000L), ProcParser.Memory(status));
    }

    [Fact]
    public void Missing_memory_lines_read_as_zero()
    {
        Assert.Equal((0L, 0L), ProcParser.Memory("Name:\tzombie\n"));
    }

    [Fact]
    public void Stat_without_a_command_name_is_rejected()
    {
        Assert.Throws<FormatException>(() => ProcParser.CpuSeconds("garbage"));
    }

    [Fact]
    public void Own_process_can_be_read()
    {
        int pid = Environment.ProcessId;
        double cpu = ProcParser.CpuSeconds(File.ReadAllText($"/proc/{pid}/stat"));
        (long rss, long peak) = ProcParser.Memory(File.ReadAllText($"/proc/{pid}/status"));
        Assert.True(cpu >= 0);
        Assert.True(rss > 0 && peak >= rss);
    }
}
