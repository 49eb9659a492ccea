using Microsoft.ML.OnnxRuntime;

namespace Aot.Quantization;

/// <summary>ONNX Runtime's graph optimisation done once, offline, and saved (SessionOptions.OptimizedModelFilePath).</summary>
public static class ModelOptimizer
{
    /// <summary>Models bigger than this keep their initializers in an external file (protobuf's 2 GB limit).</summary>
    private const long ExternalDataThreshold = 1L << 30;

    /// <summary>
    /// Optimises <paramref name="inputPath"/> at <paramref name="level"/> and writes it to <paramref name="outputPath"/>
    /// through a temporary file. <c>basic</c> (constant folding, redundant nodes) keeps standard operators and is the
    /// level to use before <c>aot quantize</c>; <c>extended</c> and <c>all</c> fuse into com.microsoft operators and
    /// CPU-specific layouts, so their files are for this ONNX Runtime on this kind of machine.
    /// </summary>
    public static void Optimize(string inputPath, string outputPath, string level)
    {
        GraphOptimizationLevel ortLevel = level switch
        {
            "basic" => GraphOptimizationLevel.ORT_ENABLE_BASIC,
            "extended" => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
            "all" => GraphOptimizationLevel.ORT_ENABLE_ALL,
            _ => throw new QuantizationException($"--level '{level}': expected basic, extended or all."),
        };
        OnnxFile.Load(inputPath, out _); // the same clear errors as quantize for a missing or non-ONNX file
        OnnxFile.EnsureWritable(outputPath);
        string full = Path.GetFullPath(outputPath);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        string dataName = Path.GetFileName(full) + ".data";
        bool external = ModelComparer.ModelBytes(inputPath) > ExternalDataThreshold;
        try
        {
            using var options = new SessionOptions { GraphOptimizationLevel = ortLevel, OptimizedModelFilePath = temp };
            if (external)
            {
                options.AddSessionConfigEntry("session.optimized_model_external_initializers_file_name", dataName);
                options.AddSessionConfigEntry("session.optimized_model_external_initializers_min_size_in_bytes", "1024");
            }

            using (new InferenceSession(inputPath, options))
            {
            }

            File.Move(temp, full, overwrite: true);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new QuantizationException($"ONNX Runtime could not optimise '{inputPath}': {ex.Message.TrimEnd()}", ex);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
