using Aot.Models.Onnx;
using Aot.Protocol;

namespace Aot.Models.Synthetic;

/// <summary>
/// ResNet-50 v1 (He et al., 2015) in torchvision's layout: bottleneck blocks whose 3×3 convolution carries the
/// stride (the variant PyTorch ships, sometimes called v1.5), with each BatchNormalization folded into its
/// convolution's bias, as <c>torch.onnx.export</c> does for an eval-mode model. Input <c>input</c> float
/// [batch, 3, 224, 224], output <c>logits</c> float [batch, 1000]; ~25.5M parameters with the defaults.
/// </summary>
public static class ResNetModel
{
    // Each residual branch's last convolution is scaled down so the sum of branch and shortcut does not double
    // the activation variance at every block (weights are random, there is no trained BN to rebalance them).
    private const float ResidualBranchScale = 0.5f;
    private const int Expansion = 4;

    /// <summary>Builds the model.</summary>
    public static OnnxModel Build(ResNetOptions? options = null)
    {
        options ??= new ResNetOptions();
        options.Validate();
        var g = new GraphBuilder("resnet", new SeededRandom(options.Seed));
        var size = options.ImageSize;
        var input = g.Input(OnnxValueInfo.Tensor("input", ElementType.Float, "batch", options.InputChannels, size, size));

        var x = Conv(g, "conv1", input, options.InputChannels, options.BaseWidth, kernel: 7, stride: 2, relu: true);
        x = g.Node("MaxPool", [x], [Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 1, 1, 1, 1)], name: "maxpool");

        var channels = options.BaseWidth;
        for (var stage = 0; stage < options.StageBlocks.Count; stage++)
        {
            var width = options.BaseWidth << stage;
            for (var block = 0; block < options.StageBlocks[stage]; block++)
            {
                var stride = stage > 0 && block == 0 ? 2 : 1;
                x = Bottleneck(g, $"layer{stage + 1}.{block}", x, channels, width, stride);
                channels = width * Expansion;
            }
        }

        x = g.Node("GlobalAveragePool", [x], name: "avgpool");
        x = g.Node("Flatten", [x], [OnnxAttribute.Int("axis", 1)], name: "flatten");
        var fcWeight = g.Uniform("fc.weight", [options.Classes, channels], WeightInit.InverseSqrt(channels));
        var fcBias = g.Uniform("fc.bias", [options.Classes], WeightInit.InverseSqrt(channels));
        g.Node("Gemm", [x, fcWeight, fcBias], [OnnxAttribute.Int("transB", 1)], name: "fc", output: "logits");
        g.Output(OnnxValueInfo.Tensor("logits", ElementType.Float, "batch", options.Classes));

        return new OnnxModel(g.Build()) { DocString = "ResNet-50 v1 architecture with seeded random weights (BatchNorm folded into Conv)." };
    }

    private static string Bottleneck(GraphBuilder g, string name, string input, int inChannels, int width, int stride)
    {
        var outChannels = width * Expansion;
        var branch = Conv(g, $"{name}.conv1", input, inChannels, width, kernel: 1, stride: 1, relu: true);
        branch = Conv(g, $"{name}.conv2", branch, width, width, kernel: 3, stride: stride, relu: true);
        branch = Conv(g, $"{name}.conv3", branch, width, outChannels, kernel: 1, stride: 1, relu: false, ResidualBranchScale);
        var shortcut = inChannels == outChannels && stride == 1
            ? input
            : Conv(g, $"{name}.downsample", input, inChannels, outChannels, kernel: 1, stride: stride, relu: false);
        var sum = g.Node("Add", [branch, shortcut], name: $"{name}.add");
        return g.Node("Relu", [sum], name: $"{name}.relu");
    }

    private static string Conv(GraphBuilder g, string name, string input, int inChannels, int outChannels, int kernel, int stride,
        bool relu, float scale = 1f)
    {
        long fanIn = (long)inChannels * kernel * kernel;
        var weight = g.Uniform($"{name}.weight", [outChannels, inChannels, kernel, kernel], WeightInit.He(fanIn) * scale);
        var bias = g.Uniform($"{name}.bias", [outChannels], WeightInit.InverseSqrt(fanIn) * scale);
        var pad = kernel / 2;
        var conv = g.Node("Conv", [input, weight, bias],
            [Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride), Ints("pads", pad, pad, pad, pad)], name: name);
        return relu ? g.Node("Relu", [conv], name: $"{name}.relu") : conv;
    }

    private static OnnxAttribute Ints(string name, params long[] values) => OnnxAttribute.Ints(name, values);
}
