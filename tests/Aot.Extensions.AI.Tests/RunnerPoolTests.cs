using Aot.Embeddings;

namespace Aot.Extensions.AI.Tests;

/// <summary>
/// The bound on runners: a caller past the capacity waits (without blocking a thread) until one is returned, a
/// returned runner is reused, a cancelled wait takes no slot, and a runner may come back after the pool is disposed.
/// </summary>
public sealed class RunnerPoolTests(GeneratorFixture fixture) : IClassFixture<GeneratorFixture>
{
    private EmbeddingModel Model => fixture.Generator.Model;

    [Fact]
    public async Task A_caller_past_the_capacity_waits_for_a_returned_runner_and_gets_that_one()
    {
        using var pool = new RunnerPool(Model, capacity: 2);
        EmbeddingRunner first = await pool.RentAsync(CancellationToken.None);
        EmbeddingRunner second = await pool.RentAsync(CancellationToken.None);
        Assert.NotSame(first, second);

        ValueTask<EmbeddingRunner> third = pool.RentAsync(CancellationToken.None);
        Assert.False(third.IsCompleted);
        pool.Return(second);
        Assert.Same(second, await third);
        pool.Return(first);
        pool.Return(second);
    }

    [Fact]
    public async Task A_cancelled_wait_takes_no_slot()
    {
        using var pool = new RunnerPool(Model, capacity: 1);
        EmbeddingRunner only = await pool.RentAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        ValueTask<EmbeddingRunner> waiting = pool.RentAsync(cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await waiting);

        pool.Return(only);
        Assert.Same(only, await pool.RentAsync(CancellationToken.None));
        pool.Return(only);
    }

    [Fact]
    public async Task Renting_from_a_disposed_pool_throws_and_a_late_return_is_accepted()
    {
        var pool = new RunnerPool(Model, capacity: 2);
        EmbeddingRunner rented = await pool.RentAsync(CancellationToken.None);
        pool.Dispose();
        pool.Return(rented); // disposed here, not kept
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await pool.RentAsync(CancellationToken.None));
    }
}
