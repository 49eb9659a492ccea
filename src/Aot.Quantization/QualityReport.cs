using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Aot.Quantization;

/// <summary>Accuracy of one output of the quantized model against the fp32 one.</summary>
/// <param name="Name">Output name.</param>
/// <param name="MaxAbsError">Largest |int8 − fp32| over every element of every sample.</param>
/// <param name="MeanCosine">Mean cosine similarity of rows (vectors along the last axis) vs fp32.</param>
/// <param name="MinCosine">Smallest row cosine.</param>
/// <param name="Top1Agreement">Share of rows whose arg-max agrees (classifier outputs, rank 2); null otherwise.</param>
public sealed record class OutputAccuracy(string Name, double MaxAbsError, double MeanCosine, double MinCosine, double? Top1Agreement);

/// <summary>What <c>aot quantize</c> prints and writes with <c>--report</c>: accuracy per output, sizes, in-process p50.</summary>
public sealed record class QualityReport
{
    /// <summary>The fp32 model.</summary>
    public required string Original { get; init; }

    /// <summary>The quantized model.</summary>
    public required string Quantized { get; init; }

    /// <summary>Where the evaluation inputs came from.</summary>
    public required string Inputs { get; init; }

    /// <summary>Evaluation samples compared.</summary>
    public required int Samples { get; init; }

    /// <summary>Per output.</summary>
    public required IReadOnlyList<OutputAccuracy> Outputs { get; init; }

    /// <summary>Bytes of the fp32 model (external data included).</summary>
    public required long OriginalBytes { get; init; }

    /// <summary>Bytes of the quantized model (external data included).</summary>
    public required long QuantizedBytes { get; init; }

    /// <summary>Median in-process run time of the fp32 model on the first sample (ms); runs interleaved with the int8 model.</summary>
    public required double OriginalP50Ms { get; init; }

    /// <summary>Median in-process run time of the quantized model (ms).</summary>
    public required double QuantizedP50Ms { get; init; }

    /// <summary>Timed runs per model.</summary>
    public required int TimedRuns { get; init; }

    /// <summary>What was quantized.</summary>
    public string? Summary { get; init; }

    /// <summary>A plain-text table for the terminal.</summary>
    public string Format()
    {
        var text = new StringBuilder();
        IFormatProvider c = CultureInfo.InvariantCulture;
        text.Append(c, $"accuracy over {Samples} samples ({Inputs}):\n");
        foreach (OutputAccuracy o in Outputs)
        {
            text.Append(c, $"  {o.Name}: max abs error {o.MaxAbsError:G4}, cosine mean {o.MeanCosine:F5} min {o.MinCosine:F5}");
            text.Append(o.Top1Agreement is { } t ? string.Create(c, $", top-1 agreement {t:P1}") : "").Append('\n');
        }

        text.Append(c, $"size: {OriginalBytes / 1e6:F1} MB -> {QuantizedBytes / 1e6:F1} MB ({(double)QuantizedBytes / OriginalBytes:F2}x)\n");
        text.Append(c, $"in-process p50 ({TimedRuns} runs each, interleaved): {OriginalP50Ms:F3} ms -> {QuantizedP50Ms:F3} ms ({QuantizedP50Ms / OriginalP50Ms:F2}x)\n");
        return text.ToString();
    }

    /// <summary>Writes the report as JSON (Utf8JsonWriter: no reflection, AOT-safe).</summary>
    public void WriteJson(Stream stream)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("original", Original);
        json.WriteString("quantized", Quantized);
        if (Summary is not null)
        {
            json.WriteString("quantizedNodes", Summary);
        }

        json.WriteString("inputs", Inputs);
        json.WriteNumber("samples", Samples);
        json.WriteStartArray("outputs");
        foreach (OutputAccuracy o in Outputs)
        {
            json.WriteStartObject();
            json.WriteString("name", o.Name);
            json.WriteNumber("maxAbsError", o.MaxAbsError);
            json.WriteNumber("meanCosine", o.MeanCosine);
            json.WriteNumber("minCosine", o.MinCosine);
            if (o.Top1Agreement is { } t)
            {
                json.WriteNumber("top1Agreement", t);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteNumber("originalBytes", OriginalBytes);
        json.WriteNumber("quantizedBytes", QuantizedBytes);
        json.WriteNumber("sizeRatio", (double)QuantizedBytes / OriginalBytes);
        json.WriteNumber("timedRuns", TimedRuns);
        json.WriteNumber("originalP50Ms", OriginalP50Ms);
        json.WriteNumber("quantizedP50Ms", QuantizedP50Ms);
        json.WriteNumber("p50Ratio", QuantizedP50Ms / OriginalP50Ms);
        json.WriteEndObject();
    }
}
