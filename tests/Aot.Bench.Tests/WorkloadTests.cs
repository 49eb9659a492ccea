using System.Text.Json;
using Aot.LoadGen.Workloads;
using Xunit;

namespace Aot.Bench.Tests;

public class WorkloadTests
{
    [Fact]
    public void Both_json_bodies_carry_the_same_numbers_as_the_binary_tensors()
    {
        Workload tiny = WorkloadCatalog.Tiny;
        float[] binary = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(tiny.Inputs[0].Bytes).ToArray();
        using JsonDocument kserve = JsonDocument.Parse(tiny.KServeBody);
        using JsonDocument peer = JsonDocument.Parse(tiny.PeerBody);
        float[] fromKServe = [.. kserve.RootElement.GetProperty("inputs")[0].GetProperty("data").EnumerateArray().Select(e => e.GetSingle())];
        float[] fromPeer = [.. peer.RootElement.GetProperty("inputs").GetProperty("x").GetProperty("data").EnumerateArray().Select(e => e.GetSingle())];
        Assert.Equal(binary, fromKServe);
        Assert.Equal(binary, fromPeer);
        Assert.Equal("FP32", peer.RootElement.GetProperty("inputs").GetProperty("x").GetProperty("datatype").GetString());
    }

    [Fact]
    public void Binary_frame_matches_the_protocol_example_size()
    {
        // docs/protocol.md: a tiny request of one [1, 16] float row is a 115-byte payload after the 16-byte header.
        Assert.Equal(16 + 115, WorkloadCatalog.Tiny.BinaryFrame.Length);
    }

    [Fact]
    public void MiniLm_inputs_start_with_cls_and_end_with_sep()
    {
        long[] ids = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(WorkloadCatalog.MiniLm128.Inputs[0].Bytes).ToArray();
        Assert.Equal(128, ids.Length);
        Assert.Equal(101, ids[0]);
        Assert.Equal(102, ids[^1]);
    }
}
