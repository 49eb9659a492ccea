using Google.Protobuf;
using Onnx;

namespace Aot.Quantization;

/// <summary>
/// Reads and writes ONNX model files with the protobuf classes compiled from onnx.proto3. Weights kept in external
/// data files are read into memory on load, so the rewrite sees every initializer the same way; on save, big
/// initializers go back to an external file when the source had one or the model would pass protobuf's 2 GB limit.
/// </summary>
internal static class OnnxFile
{
    /// <summary>Protobuf messages cannot exceed 2 GiB; stay under it with room for the graph itself.</summary>
    private const long InlineLimitBytes = 1L << 30;

    /// <summary>Initializers at least this big move to the external file (small ones stay inline, as ONNX's own saver does).</summary>
    private const int ExternalThresholdBytes = 1024;

    public static ModelProto Load(string path, out bool hadExternalData)
    {
        if (!File.Exists(path))
        {
            throw new QuantizationException($"'{path}' does not exist (expected an .onnx model file).");
        }

        ModelProto model;
        try
        {
            using FileStream stream = File.OpenRead(path);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new QuantizationException($"'{path}' is not an ONNX model (expected a protobuf ModelProto): {ex.Message}", ex);
        }

        // Protobuf parses many random byte strings "successfully"; a model without a graph or opset is not one.
        if (model.Graph is null || model.OpsetImport.Count == 0 || model.Graph.Node.Count == 0)
        {
            throw new QuantizationException($"'{path}' is not an ONNX model (expected a ModelProto with a graph, nodes and opset_import).");
        }

        hadExternalData = false;
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        foreach (TensorProto tensor in model.Graph.Initializer)
        {
            if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
            {
                ReadExternal(tensor, folder, path);
                hadExternalData = true;
            }
        }

        return model;
    }

    /// <summary>
    /// Writes <paramref name="model"/> to <paramref name="path"/> through a temporary file renamed into place, so a
    /// failure never leaves a partial model behind.
    /// </summary>
    public static void Save(ModelProto model, string path, bool externalData)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
        {
            throw new QuantizationException($"Cannot write '{path}': the folder '{folder}' does not exist.");
        }

        long inlineBytes = model.Graph.Initializer.Sum(static t => (long)t.RawData.Length + t.FloatData.Count * 4L);
        externalData |= inlineBytes > InlineLimitBytes;
        string dataName = Path.GetFileName(full) + ".data";
        string tempModel = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        string tempData = tempModel + ".data";
        try
        {
            if (externalData)
            {
                MoveToExternal(model, tempData, dataName);
            }

            using (FileStream stream = new(tempModel, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                model.WriteTo(stream);
            }

            if (externalData)
            {
                File.Move(tempData, Path.Combine(folder, dataName), overwrite: true);
            }

            File.Move(tempModel, full, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(tempModel);
            TryDelete(tempData);
            throw new QuantizationException($"Cannot write '{path}': {ex.Message}", ex);
        }
    }

    /// <summary>Checks early that <paramref name="path"/> can be written, before minutes of calibration.</summary>
    public static void EnsureWritable(string path)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
        {
            throw new QuantizationException($"Cannot write '{path}': the folder '{folder}' does not exist.");
        }

        if (Directory.Exists(full))
        {
            throw new QuantizationException($"Cannot write '{path}': it is a folder (expected an .onnx file path).");
        }

        string probe = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.probe");
        try
        {
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new QuantizationException($"Cannot write '{path}': {ex.Message}", ex);
        }
    }

    private static void ReadExternal(TensorProto tensor, string folder, string modelPath)
    {
        string? location = null;
        long offset = 0;
        long length = -1;
        foreach (StringStringEntryProto entry in tensor.ExternalData)
        {
            switch (entry.Key)
            {
                case "location": location = entry.Value; break;
                case "offset": offset = long.Parse(entry.Value, System.Globalization.CultureInfo.InvariantCulture); break;
                case "length": length = long.Parse(entry.Value, System.Globalization.CultureInfo.InvariantCulture); break;
            }
        }

        if (location is null)
        {
            throw new QuantizationException($"'{modelPath}': initializer '{tensor.Name}' is external but names no location.");
        }

        string file = Path.Combine(folder, location);
        if (!File.Exists(file))
        {
            throw new QuantizationException($"'{modelPath}': the external data file '{file}' of initializer '{tensor.Name}' does not exist.");
        }

        using FileStream stream = File.OpenRead(file);
        if (length < 0)
        {
            length = stream.Length - offset;
        }

        byte[] bytes = new byte[length];
        stream.Position = offset;
        stream.ReadExactly(bytes);
        tensor.RawData = ByteString.CopyFrom(bytes);
        tensor.DataLocation = TensorProto.Types.DataLocation.Default;
        tensor.ExternalData.Clear();
    }

    private static void MoveToExternal(ModelProto model, string dataPath, string dataName)
    {
        using FileStream data = new(dataPath, FileMode.Create, FileAccess.Write, FileShare.None);
        foreach (TensorProto tensor in model.Graph.Initializer)
        {
            TensorData.ToRaw(tensor);
            if (tensor.RawData.Length < ExternalThresholdBytes)
            {
                continue;
            }

            // ONNX Runtime maps external data; 4 KiB alignment lets it use the pages directly.
            long offset = (data.Position + 4095) / 4096 * 4096;
            data.SetLength(offset);
            data.Position = offset;
            data.Write(tensor.RawData.Span);
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = dataName });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = tensor.RawData.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            tensor.DataLocation = TensorProto.Types.DataLocation.External;
            tensor.RawData = ByteString.Empty;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
