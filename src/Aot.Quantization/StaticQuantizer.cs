namespace Aot.Quantization;

internal static class StaticQuantizer
{
    public static void Run(GraphEditor graph, string inputPath, QuantizeOptions options, QuantizationSummary summary) =>
        throw new QuantizationException("static mode is not implemented yet");
}
