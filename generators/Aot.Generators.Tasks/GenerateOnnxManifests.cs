using System;
using System.IO;
using System.Text;
using Aot.Generators.Onnx;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Aot.Generators.Tasks;

/// <summary>
/// Reads the metadata of each ONNX model and writes it as a manifest (<see cref="OnnxManifest"/>) the source
/// generator reads from <c>AdditionalFiles</c>.
/// </summary>
/// <remarks>
/// A model that cannot be read still gets a manifest, one that carries the reason: the generator reports it as
/// AOT0001 with the model's path, in the build and in the IDE alike, and the task itself never fails a build over a
/// bad model (no MSB4018 stack traces). Only an unwritable manifest is a task error (AOT0100).
/// </remarks>
public sealed class GenerateOnnxManifests : Task
{
    private static readonly Encoding s_utf8NoBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    /// <summary>The models; each has the metadata <c>AotManifestPath</c>, where its manifest goes.</summary>
    [Required]
    public ITaskItem[] Models { get; set; } = Array.Empty<ITaskItem>();

    /// <inheritdoc />
    public override bool Execute()
    {
        foreach (ITaskItem model in Models)
        {
            string modelPath = model.GetMetadata("FullPath");
            string manifestPath = model.GetMetadata("AotManifestPath");
            string manifest = CreateManifest(modelPath);
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(manifestPath))!);
                File.WriteAllText(manifestPath, manifest, s_utf8NoBom);
                Log.LogMessage(MessageImportance.Low, "Aot: {0} -> {1}", modelPath, manifestPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Log.LogError(null, "AOT0100", null, modelPath, 0, 0, 0, 0,
                    "Could not write the ONNX manifest '{0}': {1}", manifestPath, e.Message);
            }
        }

        return !Log.HasLoggedErrors;
    }

    /// <summary>The manifest text for one model; never throws for a bad or missing file.</summary>
    internal static string CreateManifest(string modelPath)
    {
        try
        {
            // No FileStream buffering: the reader buffers, small reads after each seek, and seeks over the weights.
            using var stream = new FileStream(modelPath, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 1, FileOptions.RandomAccess);
            return OnnxManifest.Write(modelPath, OnnxMetadataReader.Read(stream));
        }
        catch (OnnxFormatException e)
        {
            return OnnxManifest.WriteError(modelPath, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return OnnxManifest.WriteError(modelPath, e.Message);
        }
    }
}
