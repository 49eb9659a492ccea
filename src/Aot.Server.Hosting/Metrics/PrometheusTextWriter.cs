using System.Globalization;
using System.Text;

namespace Aot.Server.Metrics;

/// <summary>
/// Writes the Prometheus text exposition format (version 0.0.4) of every model's metrics. Hand-rolled rather than
/// prometheus-net so the native-AOT binary stays free of reflection and of a second metrics pipeline; scrapes are
/// rare, so this path may allocate.
/// </summary>
internal static class PrometheusTextWriter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(IReadOnlyList<ModelMetrics> models, LifecycleMetrics? lifecycle = null)
    {
        // Process-wide figures first, so a scrape's own allocations count towards the next interval, not this one.
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        var text = new StringBuilder(8192);
        text.Append("# HELP aot_dotnet_allocated_bytes_total Managed bytes allocated by the process since it started (all threads, GC.GetTotalAllocatedBytes).\n# TYPE aot_dotnet_allocated_bytes_total counter\n")
            .Append("aot_dotnet_allocated_bytes_total ").Append(allocated.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("# HELP aot_dotnet_gc_collections_total Garbage collections by generation.\n# TYPE aot_dotnet_gc_collections_total counter\n");
        for (int generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            text.Append("aot_dotnet_gc_collections_total{generation=\"").Append(generation.ToString(CultureInfo.InvariantCulture)).Append("\"} ")
                .Append(GC.CollectionCount(generation).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        text.Append("# HELP aot_dotnet_gc_heap_bytes Bytes in the managed heap (GC.GetTotalMemory).\n# TYPE aot_dotnet_gc_heap_bytes gauge\n")
            .Append("aot_dotnet_gc_heap_bytes ").Append(GC.GetTotalMemory(forceFullCollection: false).ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("# HELP aot_process_resident_memory_bytes Resident set size of the process.\n# TYPE aot_process_resident_memory_bytes gauge\n")
            .Append("aot_process_resident_memory_bytes ").Append(Environment.WorkingSet.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("# HELP aot_requests_total Inference requests by model and outcome.\n# TYPE aot_requests_total counter\n");
        foreach (ModelMetrics m in models)
        {
            for (int o = 0; o < RequestOutcomes.Count; o++)
            {
                var outcome = (RequestOutcome)o;
                text.Append("aot_requests_total{").Append(Labels(m)).Append(",outcome=\"").Append(RequestOutcomes.Label(outcome)).Append("\"} ")
                    .Append(m.Count(outcome).ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        text.Append("# HELP aot_requests_by_protocol_total Inference requests by model and the transport they came by.\n# TYPE aot_requests_by_protocol_total counter\n");
        foreach (ModelMetrics m in models)
        {
            for (int p = 0; p < RequestProtocols.Count; p++)
            {
                var protocol = (RequestProtocol)p;
                text.Append("aot_requests_by_protocol_total{").Append(Labels(m)).Append(",protocol=\"").Append(RequestProtocols.Label(protocol)).Append("\"} ")
                    .Append(m.Count(protocol).ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        WriteHistogram(text, "aot_request_duration_seconds", "Time from receiving a request to writing its response.", models, static m => m.RequestDuration);
        WriteHistogram(text, "aot_queue_duration_seconds", "Time a request waited in its model's queue.", models, static m => m.QueueDuration);
        WriteHistogram(text, "aot_compute_duration_seconds", "Time of one batch run in ONNX Runtime.", models, static m => m.ComputeDuration);
        WriteHistogram(text, "aot_batch_size", "Rows per batch run.", models, static m => m.BatchSize);
        WriteHistogram(text, "aot_batch_padding_ratio", "Share of a padded batch's tokens (rows x longest request) that is padding.", models, static m => m.PaddingRatio);
        WriteCounter(text, "aot_batch_tokens_total", "Real tokens requests brought to padded batches: a text request's own token counts, a tensor request's rows x own padded-dimension length.", models, static m => m.Tokens);
        WriteCounter(text, "aot_batch_padded_tokens_total", "Tokens padded batches computed (rows x longest), padding included.", models, static m => m.PaddedTokens);
        WriteCounter(text, "aot_memory_releases_total", "Times a worker gave back the memory ONNX Runtime's arenas grew to, once the model was idle after a burst.", models, static m => m.MemoryReleases);
        WriteGauge(text, "aot_queue_depth", "Requests waiting in the model's queue.", models, static m => m.QueueDepth());
        WriteGauge(text, "aot_inflight_requests", "Requests admitted and not yet answered.", models, static m => m.InFlight());
        if (lifecycle is not null)
        {
            WriteLifecycle(text, lifecycle);
        }

        return text.ToString();
    }

    private static void WriteLifecycle(StringBuilder text, LifecycleMetrics lifecycle)
    {
        IReadOnlyList<LifecycleMetrics.VersionGauge> versions = lifecycle.Versions();
        text.Append("# HELP aot_model_state Each model version's state: 1 for the state it is in, 0 for the others.\n# TYPE aot_model_state gauge\n");
        foreach (LifecycleMetrics.VersionGauge v in versions)
        {
            foreach (string state in LifecycleMetrics.States)
            {
                text.Append("aot_model_state{").Append(Labels(v.Model, v.Version)).Append(",state=\"").Append(state).Append("\"} ")
                    .Append(state == v.State ? '1' : '0').Append('\n');
            }
        }

        text.Append("# HELP aot_model_load_seconds Time a served model version took to load and warm up.\n# TYPE aot_model_load_seconds gauge\n");
        foreach (LifecycleMetrics.VersionGauge v in versions)
        {
            if (v.LoadSeconds is { } seconds)
            {
                text.Append("aot_model_load_seconds{").Append(Labels(v.Model, v.Version)).Append("} ").Append(seconds.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        text.Append("# HELP aot_model_load_failures_total Loads of a model version that failed (file, signature, warm-up, memory).\n# TYPE aot_model_load_failures_total counter\n");
        foreach (KeyValuePair<(string Model, string Version), long> failure in lifecycle.LoadFailures())
        {
            text.Append("aot_model_load_failures_total{").Append(Labels(failure.Key.Model, failure.Key.Version)).Append("} ")
                .Append(failure.Value.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    private static void WriteGauge(StringBuilder text, string name, string help, IReadOnlyList<ModelMetrics> models, Func<ModelMetrics, int> value)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" gauge\n");
        foreach (ModelMetrics m in models)
        {
            text.Append(name).Append('{').Append(Labels(m)).Append("} ").Append(value(m).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    private static void WriteCounter(StringBuilder text, string name, string help, IReadOnlyList<ModelMetrics> models, Func<ModelMetrics, long> value)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" counter\n");
        foreach (ModelMetrics m in models)
        {
            text.Append(name).Append('{').Append(Labels(m)).Append("} ").Append(value(m).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    private static void WriteHistogram(StringBuilder text, string name, string help, IReadOnlyList<ModelMetrics> models, Func<ModelMetrics, Histogram> select)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" histogram\n");
        foreach (ModelMetrics m in models)
        {
            Histogram h = select(m);
            string labels = Labels(m);
            long cumulative = 0;
            for (int b = 0; b < h.BucketCountLength; b++)
            {
                cumulative += h.BucketCount(b);
                string le = b < h.UpperBounds.Length ? h.UpperBounds[b].ToString("R", CultureInfo.InvariantCulture) : "+Inf";
                text.Append(name).Append("_bucket{").Append(labels).Append(",le=\"").Append(le).Append("\"} ")
                    .Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }

            text.Append(name).Append("_sum{").Append(labels).Append("} ").Append(h.Sum.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            text.Append(name).Append("_count{").Append(labels).Append("} ").Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    private static string Labels(ModelMetrics m) => Labels(m.Model, m.Version);

    private static string Labels(string model, string version) => $"model=\"{Escape(model)}\",version=\"{Escape(version)}\"";

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
