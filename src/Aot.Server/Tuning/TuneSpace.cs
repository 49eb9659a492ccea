namespace Aot.Server.Tuning;

/// <summary>
/// The space searched: (intra-op threads, workers) pairs of powers of two whose product fits the cores (more threads
/// than cores only makes ONNX Runtime's spinning threads fight), max batch 1…32 in powers of two, and a batching delay
/// of 0, 500 or 2000 µs. The exhaustive grid (<c>--strategy grid</c>) is every point of it.
/// </summary>
internal sealed record class TuneSpace(IReadOnlyList<(int Threads, int Workers)> ThreadsAndWorkers, IReadOnlyList<int> MaxBatches, IReadOnlyList<int> MaxDelaysMicros)
{
    public static TuneSpace ForCores(int cores)
    {
        var pairs = new List<(int, int)>();
        for (int threads = 1; threads <= cores; threads *= 2)
        {
            for (int workers = 1; threads * workers <= cores; workers *= 2)
            {
                pairs.Add((threads, workers));
            }
        }

        return new TuneSpace(pairs, [1, 2, 4, 8, 16, 32], [0, 500, 2000]);
    }

    public IEnumerable<TunePoint> All() =>
        from pair in ThreadsAndWorkers
        from batch in MaxBatches
        from delay in MaxDelaysMicros
        select new TunePoint(pair.Threads, pair.Workers, batch, delay);

    public int Count => ThreadsAndWorkers.Count * MaxBatches.Count * MaxDelaysMicros.Count;
}
