namespace Aot.Server.Batching;

/// <summary>
/// FIFO of requests as an intrusive doubly-linked list (the links live in the requests), so enqueueing, taking
/// from the head and pulling a compatible request out of the middle allocate nothing. Not thread-safe: the
/// batcher guards it with its lock.
/// </summary>
internal sealed class RequestQueue
{
    public InferenceRequest? Head { get; private set; }

    private InferenceRequest? _tail;

    public int Count { get; private set; }

    public void Enqueue(InferenceRequest request)
    {
        request.QueueNext = null;
        request.QueuePrevious = _tail;
        if (_tail is null)
        {
            Head = request;
        }
        else
        {
            _tail.QueueNext = request;
        }

        _tail = request;
        Count++;
    }

    public void Remove(InferenceRequest request)
    {
        if (request.QueuePrevious is null)
        {
            Head = request.QueueNext;
        }
        else
        {
            request.QueuePrevious.QueueNext = request.QueueNext;
        }

        if (request.QueueNext is null)
        {
            _tail = request.QueuePrevious;
        }
        else
        {
            request.QueueNext.QueuePrevious = request.QueuePrevious;
        }

        request.QueueNext = request.QueuePrevious = null;
        Count--;
    }
}
