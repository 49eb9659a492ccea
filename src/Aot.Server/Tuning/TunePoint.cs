using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Aot.Server.Tuning;

/// <summary>One candidate of the search: the four settings <c>aot tune</c> varies, written as a model config file.</summary>
internal sealed record class TunePoint(int IntraOpThreads, int Workers, int MaxBatch, int MaxDelayMicros)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"threads={IntraOpThreads} workers={Workers} max_batch={MaxBatch} max_delay_us={MaxDelayMicros}");

    /// <summary>The point as a <c>config.json</c> document (docs/configuration.md): what <c>aot serve</c> reads.</summary>
    public string ToConfigJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("intra_op_threads", IntraOpThreads);
            json.WriteNumber("workers", Workers);
            json.WriteNumber("max_batch", MaxBatch);
            json.WriteNumber("max_delay_us", MaxDelayMicros);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}
