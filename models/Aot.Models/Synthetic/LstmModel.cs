using Aot.Models.Onnx;
using Aot.Protocol;

namespace Aot.Models.Synthetic;

/// <summary>
/// A stacked LSTM with PyTorch's <c>batch_first=True</c> interface: input <c>input</c> float
/// [batch, sequence, features] → output <c>output</c> float [batch, sequence, hidden] (the last layer's hidden
/// state at every step) and <c>h_n</c> float [layers, batch, hidden] (every layer's final hidden state).
/// Built from ONNX LSTM operators (time-major) between two Transposes, as <c>torch.onnx.export</c> does.
/// </summary>
public static class LstmModel
{
    // ONNX LSTM gate order is input, output, forget, cell; each weight stacks the four gates.
    private const int Gates = 4;

    /// <summary>Builds the model.</summary>
    public static OnnxModel Build(LstmOptions? options = null)
    {
        options ??= new LstmOptions();
        options.Validate();
        var g = new GraphBuilder("lstm", new SeededRandom(options.Seed));
        var hidden = options.Hidden;
        // PyTorch's initialisation: every LSTM weight and bias is U(±1/√hidden).
        var limit = WeightInit.InverseSqrt(hidden);

        var input = g.Input(OnnxValueInfo.Tensor("input", ElementType.Float, "batch", "sequence", options.Features));
        var x = g.Node("Transpose", [input], [OnnxAttribute.Ints("perm", 1, 0, 2)], name: "to_time_major"); // [sequence, batch, features]
        var squeezeAxes = g.Int64s("num_directions_axis", 1);

        var finalStates = new List<string>();
        var inputSize = options.Features;
        for (var layer = 0; layer < options.Layers; layer++)
        {
            var name = $"lstm.layer{layer}";
            var w = g.Uniform($"{name}.W", [1, Gates * hidden, inputSize], limit);
            var r = g.Uniform($"{name}.R", [1, Gates * hidden, hidden], limit);
            var b = g.Uniform($"{name}.B", [1, 2 * Gates * hidden], limit);
            var outputs = g.Node("LSTM", [x, w, r, b], [$"{name}.Y", $"{name}.Y_h"], [OnnxAttribute.Int("hidden_size", hidden)], name);
            // Y is [sequence, num_directions=1, batch, hidden]; drop the direction axis for the next layer.
            x = g.Node("Squeeze", [outputs[0], squeezeAxes], name: $"{name}.squeeze");
            finalStates.Add(outputs[1]);
            inputSize = hidden;
        }

        g.Node("Transpose", [x], [OnnxAttribute.Ints("perm", 1, 0, 2)], name: "to_batch_major", output: "output");
        g.Node("Concat", finalStates, [OnnxAttribute.Int("axis", 0)], name: "final_hidden_states", output: "h_n");
        g.Output(OnnxValueInfo.Tensor("output", ElementType.Float, "batch", "sequence", hidden));
        g.Output(OnnxValueInfo.Tensor("h_n", ElementType.Float, options.Layers, "batch", hidden));

        return new OnnxModel(g.Build()) { DocString = "Stacked batch-first LSTM with seeded random weights." };
    }
}
