using System.CommandLine;
using Aot.Quantization;
using Aot.Server.Hosting;

namespace Aot.Server.Cli;

/// <summary><c>aot optimize IN -o OUT [--level basic|extended|all]</c>: ONNX Runtime's graph optimisation, saved to a file.</summary>
internal static class OptimizeCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "The .onnx model." };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the optimised model.", Required = true };
        var level = new Option<string>("--level") { Description = "basic (standard operators; use before quantize), extended or all (com.microsoft fusions, CPU layouts).", DefaultValueFactory = _ => "basic" };
        var command = new Command("optimize", "Apply ONNX Runtime's graph optimisations offline and save the result.") { input, output, level };
        command.SetAction(result => AotCommandLine.RunReportingErrors(() => QuantizeCommand.Guard(() =>
        {
            string inPath = result.GetValue(input)!;
            string outPath = result.GetValue(output)!;
            ModelOptimizer.Optimize(inPath, outPath, result.GetValue(level)!);
            Console.Out.WriteLine($"optimized {inPath} -> {outPath} (level {result.GetValue(level)}): {ModelComparer.ModelBytes(outPath) / 1e6:F1} MB");
            return 0;
        })));
        return command;
    }
}
