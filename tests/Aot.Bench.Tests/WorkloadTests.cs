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

    [Theory]
    [InlineData("tiny")]
    [InlineData("minilm-s16")]
    [InlineData("resnet50")]
    public void Grpc_body_is_one_length_prefixed_model_infer_request_with_the_raw_tensors(string name)
    {
        // bench/grpc.sh hands this body to h2load: flag 0 (uncompressed), big-endian length, then the whole message.
        Workload workload = WorkloadCatalog.Get(name);
        byte[] body = Aot.LoadGen.Targets.GrpcTarget.FramedBody(workload);
        Assert.Equal(0, body[0]);
        Assert.Equal((uint)(body.Length - 5), System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1)));
        Inference.ModelInferRequest request = Inference.ModelInferRequest.Parser.ParseFrom(body.AsSpan(5));
        Assert.Equal(workload.Model, request.ModelName);
        Assert.Equal(workload.Inputs.Select(static i => i.Name), request.Inputs.Select(static i => i.Name));
        Assert.Equal(workload.Inputs.Select(static i => i.Shape), request.Inputs.Select(static i => i.Shape.ToArray()));
        Assert.Equal(workload.Inputs.Select(static i => i.Bytes), request.RawInputContents.Select(static r => r.ToByteArray()));
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
