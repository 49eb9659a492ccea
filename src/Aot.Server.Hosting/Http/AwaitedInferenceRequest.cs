using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;
using Aot.Server.Batching;
using Aot.Server.Models;
using Aot.Protocol;

namespace Aot.Server.Http;

/// <summary>
/// A request whose HTTP handler awaits the batcher's answer: the worker thread finishes it with
/// <see cref="Complete"/> or <see cref="InferenceRequest.OnFailed"/>, and the handler resumes on a request thread
/// (never the worker's) through a reusable <see cref="IValueTaskSource{TResult}"/>, so awaiting allocates nothing.
/// </summary>
internal abstract class AwaitedInferenceRequest(ServedModel model) : InferenceRequest(model.Signature, model.Metrics), IValueTaskSource<bool>
{
    private ManualResetValueTaskSourceCore<bool> _completion = new() { RunContinuationsAsynchronously = true };
    private CancellationToken _aborted;

    public ServedModel Model { get; } = model;

    public ErrorCode FailureCode { get; private set; }

    public string? FailureMessage { get; private set; }

    public override bool IsAbandoned => _aborted.IsCancellationRequested;

    public void Begin(long receivedAt, CancellationToken aborted)
    {
        ReceivedAt = receivedAt;
        _aborted = aborted;
    }

    /// <summary>
    /// Hands the request to its model's batcher and waits for the answer. A lone request on an idle model runs right
    /// here on the request thread (see <see cref="DynamicBatcher.Submit"/>).
    /// </summary>
    /// <exception cref="InferenceException">Invalid (400), refused (queue full: 429, shutting down: 503) or failed (its code).</exception>
    public ValueTask RunAsync()
    {
        Model.Batcher.Submit(this, mayRunInline: true);
        return WaitAsync();
    }

    /// <summary>
    /// Runs the parts of one request (e.g. a text request split into runs by length) through their model's batcher
    /// together: all are queued before any is awaited, so the workers batch them (with each other's and other
    /// requests' rows) and run them in parallel. Returns once every part is done — never while one still runs, so the
    /// caller may recycle them all — and throws the first part's failure, if any.
    /// </summary>
    /// <exception cref="InferenceException">A part was invalid, refused or failed (the first such, in order).</exception>
    public static async Task RunAllAsync(IReadOnlyList<AwaitedInferenceRequest> parts)
    {
        foreach (AwaitedInferenceRequest part in parts)
        {
            part.Model.Batcher.Submit(part, mayRunInline: false);
        }

        InferenceException? failure = null;
        foreach (AwaitedInferenceRequest part in parts)
        {
            try
            {
                await part.WaitAsync().ConfigureAwait(false);
            }
            catch (InferenceException ex)
            {
                failure ??= ex;
            }
        }

        if (failure is not null)
        {
            throw failure;
        }
    }

    /// <summary>Waits for the answer of a submitted request.</summary>
    /// <exception cref="InferenceException">The request was invalid, refused or failed.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))] // its state machine is pooled: no allocation per request
    private async ValueTask WaitAsync()
    {
        if (!await new ValueTask<bool>(this, _completion.Version).ConfigureAwait(false))
        {
            throw new InferenceException(FailureCode, FailureMessage!);
        }
    }

    public override void OnFailed(ErrorCode code, string message)
    {
        FailureCode = code;
        FailureMessage = message;
        _completion.SetResult(false);
    }

    /// <summary>Signals success to the awaiting handler (after the subclass has taken what it needs of the result).</summary>
    protected void Complete() => _completion.SetResult(true);

    /// <summary>Clears the request state and the completion for the next request.</summary>
    protected void ResetAwaited()
    {
        ResetState();
        FailureCode = default;
        FailureMessage = null;
        _aborted = default;
        _completion.Reset();
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _completion.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _completion.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _completion.OnCompleted(continuation, state, token, flags);
}
