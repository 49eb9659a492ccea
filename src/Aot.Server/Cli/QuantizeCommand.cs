using System.CommandLine;
using Aot.Quantization;
using Aot.Runtime;
using Aot.Server.Hosting;

namespace Aot.Server.Cli;

/// <summary><c>aot quantize IN -o OUT</c>: int8 quantization (dynamic or static QDQ) and the accuracy/speed report. See docs/quantization.md.</summary>
internal static class QuantizeCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "The fp32 .onnx model." };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the quantized model.", Required = true };
        var mode = new Option<string>("--mode") { Description = "dynamic (transformers), static (CNNs, QDQ with calibration) or auto (static when the model has Conv).", DefaultValueFactory = _ => "auto" };
        var exclude = new Option<string[]>("--exclude") { Description = "Node name or operator type to keep in fp32 (repeatable, or comma-separated).", Arity = ArgumentArity.ZeroOrMore };
        var calibration = new Option<string?>("--calibration") { Description = "Static mode: folder of <input_name>.<n>.npy calibration samples (default: generated ones, for smoke runs only)." };
        var method = new Option<string>("--calibration-method") { Description = "Static mode: minmax or percentile.", DefaultValueFactory = _ => "minmax" };
        var percentile = new Option<double>("--percentile") { Description = "Percentile calibration: percent of values kept.", DefaultValueFactory = _ => 99.999 };
        var perTensor = new Option<bool>("--per-tensor") { Description = "One scale per weight tensor instead of per output channel." };
        var eval = new Option<string?>("--eval") { Description = "Folder of <input_name>.<n>.npy evaluation samples for the report (default: generated)." };
        var report = new Option<string?>("--report") { Description = "Also write the accuracy and speed report as JSON to this file." };
        var noReport = new Option<bool>("--no-report") { Description = "Skip the accuracy and speed comparison." };
        var runs = new Option<int>("--runs") { Description = "Timed runs per model for the report's p50.", DefaultValueFactory = _ => 50 };
        var command = new Command("quantize", "Quantize a model to int8 and report accuracy, size and speed against fp32.")
        {
            input, output, mode, exclude, calibration, method, percentile, perTensor, eval, report, noReport, runs,
        };
        command.SetAction(result => AotCommandLine.RunReportingErrors(() => Guard(() =>
        {
            string inPath = result.GetValue(input)!;
            string outPath = result.GetValue(output)!;
            var options = new QuantizeOptions
            {
                Mode = ParseMode(result.GetValue(mode)!, inPath),
                Exclude = [.. (result.GetValue(exclude) ?? []).SelectMany(static e => e.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
                CalibrationFolder = result.GetValue(calibration),
                Calibration = result.GetValue(method) switch
                {
                    "minmax" => CalibrationMethod.MinMax,
                    "percentile" => CalibrationMethod.Percentile,
                    var other => throw new FormatException($"--calibration-method '{other}': expected minmax or percentile."),
                },
                Percentile = result.GetValue(percentile),
                PerChannel = !result.GetValue(perTensor),
                Log = static line => Console.Error.WriteLine(line),
            };
            QuantizationSummary summary = Quantizer.Quantize(inPath, outPath, options);
            Console.Out.WriteLine($"quantized {inPath} -> {outPath} ({(options.Mode == QuantizationMode.Dynamic ? "dynamic" : "static QDQ")}): {summary.Describe()}"
                + (summary.Excluded.Count > 0 ? $"; kept in fp32: {string.Join(", ", summary.Excluded)}" : ""));
            if (!result.GetValue(noReport))
            {
                WriteReport(inPath, outPath, result.GetValue(eval), result.GetValue(report), result.GetValue(runs), summary);
            }

            return 0;
        })));
        return command;
    }

    private static void WriteReport(string inPath, string outPath, string? evalFolder, string? reportPath, int runs, QuantizationSummary summary)
    {
        IReadOnlyList<TensorInfo> inputs;
        using (OnnxModel model = OnnxModel.Load(inPath, new ModelOptions { Optimization = GraphOptimization.None, IntraOpThreads = 1 }))
        {
            inputs = model.Metadata.Inputs;
        }

        // Evaluation samples use another seed than generated calibration samples, so the figures are not self-fulfilling.
        SampleSet samples = evalFolder is not null ? SampleSet.Load(evalFolder, inputs) : SampleSet.Generate(inputs, 16, seed: 2, InputBounds.Read(inPath));
        QualityReport quality = ModelComparer.Compare(inPath, outPath, samples, runs) with { Summary = summary.Describe() };
        Console.Out.Write(quality.Format());
        if (reportPath is not null)
        {
            using FileStream stream = File.Create(reportPath);
            quality.WriteJson(stream);
        }
    }

    private static QuantizationMode ParseMode(string text, string inPath) => text switch
    {
        "dynamic" => QuantizationMode.Dynamic,
        "static" => QuantizationMode.Static,
        "auto" => Quantizer.HasConv(inPath) ? QuantizationMode.Static : QuantizationMode.Dynamic,
        _ => throw new FormatException($"--mode '{text}': expected dynamic, static or auto."),
    };

    /// <summary>Quantization errors are the user's to fix: one <c>aot: error:</c> line and exit code 1, as every command reports.</summary>
    internal static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (ex is QuantizationException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"aot: error: {ex.Message}");
            return 1;
        }
    }
}
