using Onnx;

namespace Aot.Quantization;

/// <summary>
/// For generated samples: the exclusive upper bound of integer inputs that index an embedding table (the table's
/// row count), so generated token ids stay in the vocabulary.
/// </summary>
public static class InputBounds
{
    /// <summary>Input name → row count of the constant table a Gather indexes with it.</summary>
    public static Func<string, long?> Read(string modelPath)
    {
        ModelProto model = OnnxFile.Load(modelPath, out _);
        var tables = model.Graph.Initializer.Where(static t => t.Dims.Count >= 1).ToDictionary(static t => t.Name, static t => t.Dims[0], StringComparer.Ordinal);
        var bounds = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (NodeProto node in model.Graph.Node)
        {
            if (node.OpType == "Gather" && node.Input.Count == 2 && tables.TryGetValue(node.Input[0], out long rows))
            {
                bounds[node.Input[1]] = rows;
            }
        }

        return name => bounds.TryGetValue(name, out long rows) ? rows : null;
    }
}
