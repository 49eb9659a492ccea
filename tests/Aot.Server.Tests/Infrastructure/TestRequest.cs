using System.Runtime.InteropServices;
using Aot.Server.Batching;
using Aot.Server.Metrics;
using Aot.Server.Models;
using Aot.Protocol;

namespace Aot.Server.Tests.Infrastructure;

/// <summary>A request that records its answer: each output's shape and bytes, or the failure.</summary>
internal sealed class TestRequest : InferenceRequest
{
    private readonly TaskCompletionSource<bool> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TestRequest(ServingSignature signature) : base(signature, new ModelMetrics("test", "1")) => SelectAllOutputs();

    public volatile bool Abandoned;

    public override bool IsAbandoned => Abandoned;

    public List<(long[] Shape, byte[] Data)> Outputs { get; } = [];

    public ErrorCode? Failure { get; private set; }

    public string? FailureMessage { get; private set; }

    public Task<bool> Completion => _done.Task;

    /// <summary>Runs once the answer is recorded, still inside <see cref="OnCompleted"/> (where a pooled request is released and may be reused).</summary>
    public Action<TestRequest>? AfterAnswer { get; set; }

    /// <summary>Sets input <paramref name="index"/> from typed values.</summary>
    public TestRequest With<T>(int index, long[] shape, T[] values) where T : unmanaged
    {
        TensorBuffer tensor = Inputs[index];
        shape.CopyTo(tensor.Shape, 0);
        MemoryMarshal.AsBytes(values.AsSpan()).CopyTo(tensor.Allocate(values.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>()));
        tensor.IsSet = true;
        return this;
    }

    public T[] Output<T>(int index) where T : unmanaged => MemoryMarshal.Cast<byte, T>(Outputs[index].Data).ToArray();

    public override void OnCompleted(in InferenceResult result)
    {
        for (int o = 0; o < Signature.Outputs.Length; o++)
        {
            var shape = new long[result.GetRank(o)];
            result.GetShape(o, shape);
            var data = new byte[result.GetByteCount(o)];
            result.CopyTo(o, data);
            Outputs.Add((shape, data));
        }

        AfterAnswer?.Invoke(this);
        _done.TrySetResult(true);
    }

    public override void OnFailed(ErrorCode code, string message)
    {
        Failure = code;
        FailureMessage = message;
        _done.TrySetResult(false);
    }

    protected override void Recycle() => ResetState();

    public async Task<bool> WaitAsync() => await Completion.WaitAsync(TimeSpan.FromSeconds(30));
}
