using Aot.Models.Onnx;
using Aot.Protocol;

namespace Aot.Models.Synthetic;

/// <summary>
/// A BERT encoder (Devlin et al., 2018) built from plain opset-17 operators, laid out as Hugging Face's
/// <c>BertModel</c> exports: inputs <c>input_ids</c>, <c>attention_mask</c>, <c>token_type_ids</c> int64
/// [batch, sequence]; output <c>last_hidden_state</c> float [batch, sequence, hidden]. The symbols
/// <c>batch</c> and <c>sequence</c> are shared by inputs and output, so output shapes resolve from inputs.
/// With <see cref="BertOptions.ClassifierLabels"/> set it is laid out as <c>BertForSequenceClassification</c>
/// instead: the single output is <c>logits</c> float [batch, labels].
/// </summary>
/// <remarks>
/// Weights are U(±0.02·√3), the spread of BERT's N(0, 0.02) initialisation; LayerNorm scales are 1 and offsets 0,
/// so every layer's output is normalised and stays finite whatever the depth.
/// </remarks>
public static class BertModel
{
    private const float InitStandardDeviation = 0.02f;
    private const float LayerNormEpsilon = 1e-12f;
    // Added to the scores of masked positions, as the original BERT does; softmax then gives them ~0 weight.
    private const float MaskedScore = -10000f;

    /// <summary>Builds the model.</summary>
    public static OnnxModel Build(BertOptions? options = null)
    {
        options ??= BertOptions.Base;
        options.Validate();
        var g = new GraphBuilder("bert", new SeededRandom(options.Seed));
        var limit = WeightInit.WithStandardDeviation(InitStandardDeviation);
        var hidden = options.Hidden;

        var inputIds = g.Input(OnnxValueInfo.Tensor("input_ids", ElementType.Int64, "batch", "sequence"));
        var attentionMask = g.Input(OnnxValueInfo.Tensor("attention_mask", ElementType.Int64, "batch", "sequence"));
        var tokenTypeIds = g.Input(OnnxValueInfo.Tensor("token_type_ids", ElementType.Int64, "batch", "sequence"));

        var x = Embeddings(g, options, inputIds, tokenTypeIds, limit);
        var maskBias = AttentionMaskBias(g, attentionMask);
        var classifier = options.ClassifierLabels > 0;
        for (var layer = 0; layer < options.Layers; layer++)
        {
            var output = layer == options.Layers - 1 && !classifier ? "last_hidden_state" : null;
            x = EncoderLayer(g, options, $"encoder.layer.{layer}", x, maskBias, limit, output);
        }
        if (!classifier)
        {
            g.Output(OnnxValueInfo.Tensor("last_hidden_state", ElementType.Float, "batch", "sequence", hidden));
            return new OnnxModel(g.Build()) { DocString = "BERT encoder with seeded random weights." };
        }

        ClassifierHead(g, options, x, limit);
        g.Output(OnnxValueInfo.Tensor("logits", ElementType.Float, "batch", options.ClassifierLabels));
        return new OnnxModel(g.Build()) { DocString = "BERT sequence classifier with seeded random weights." };
    }

    /// <summary>
    /// BERT's pooler (dense + tanh on the [CLS] row) and a dense classifier, as <c>BertForSequenceClassification</c>
    /// (dropout is the identity at inference). Drawn after the encoder, so the encoder weights equal the plain
    /// model's of the same seed.
    /// </summary>
    private static void ClassifierHead(GraphBuilder g, BertOptions o, string hiddenState, float limit)
    {
        var cls = g.Node("Gather", [hiddenState, g.Int64Scalar("pooler.cls_index", 0)], [OnnxAttribute.Int("axis", 1)], name: "pooler.cls");
        var pooled = g.Node("Tanh", [Linear(g, "pooler.dense", cls, o.Hidden, o.Hidden, limit)], name: "pooler.activation");
        var weight = g.Uniform("classifier.weight", [o.Hidden, o.ClassifierLabels], limit);
        var bias = g.Uniform("classifier.bias", [o.ClassifierLabels], limit);
        g.Node("Add", [g.Node("MatMul", [pooled, weight], name: "classifier.matmul"), bias], name: "classifier.add", output: "logits");
    }

    private static string Embeddings(GraphBuilder g, BertOptions o, string inputIds, string tokenTypeIds, float limit)
    {
        var words = g.Node("Gather", [g.Uniform("embeddings.word_embeddings.weight", [o.VocabSize, o.Hidden], limit), inputIds],
            name: "embeddings.word_embeddings");

        // Positions 0..sequence-1, from the runtime length of input_ids.
        var shape = g.Node("Shape", [inputIds], name: "embeddings.shape");
        var length = g.Node("Gather", [shape, g.Int64Scalar("embeddings.sequence_axis", 1)], [OnnxAttribute.Int("axis", 0)], name: "embeddings.sequence_length");
        var positionIds = g.Node("Range", [g.Int64Scalar("embeddings.zero", 0), length, g.Int64Scalar("embeddings.one", 1)], name: "embeddings.position_ids");
        var positions = g.Node("Gather", [g.Uniform("embeddings.position_embeddings.weight", [o.MaxPositions, o.Hidden], limit), positionIds],
            name: "embeddings.position_embeddings");

        var types = g.Node("Gather", [g.Uniform("embeddings.token_type_embeddings.weight", [o.TypeVocabSize, o.Hidden], limit), tokenTypeIds],
            name: "embeddings.token_type_embeddings");

        var sum = g.Node("Add", [g.Node("Add", [words, positions], name: "embeddings.add_positions"), types], name: "embeddings.add_types");
        return LayerNorm(g, "embeddings.LayerNorm", sum, o.Hidden);
    }

    /// <summary>[batch, sequence] 0/1 mask → [batch, 1, 1, sequence] additive bias (0 to attend, -10000 to ignore).</summary>
    private static string AttentionMaskBias(GraphBuilder g, string attentionMask)
    {
        var mask = g.Node("Cast", [attentionMask], [OnnxAttribute.Int("to", (long)ElementType.Float)], name: "mask.cast");
        var inverted = g.Node("Sub", [g.Scalar("mask.one", 1f), mask], name: "mask.invert");
        var bias = g.Node("Mul", [inverted, g.Scalar("mask.masked_score", MaskedScore)], name: "mask.scale");
        return g.Node("Unsqueeze", [bias, g.Int64s("mask.axes", 1, 2)], name: "mask.unsqueeze");
    }

    private static string EncoderLayer(GraphBuilder g, BertOptions o, string name, string x, string maskBias, float limit, string? output)
    {
        var headSize = o.Hidden / o.Heads;
        var headShape = g.Int64s($"{name}.attention.head_shape", 0, 0, o.Heads, headSize);

        string Heads(string projection, long[] perm)
        {
            var projected = Linear(g, $"{name}.attention.self.{projection}", x, o.Hidden, o.Hidden, limit);
            var split = g.Node("Reshape", [projected, headShape], name: $"{name}.attention.self.{projection}.split_heads");
            return g.Node("Transpose", [split], [OnnxAttribute.Ints("perm", perm)], name: $"{name}.attention.self.{projection}.transpose");
        }

        var query = Heads("query", [0, 2, 1, 3]);   // [batch, heads, sequence, head]
        var key = Heads("key", [0, 2, 3, 1]);       // [batch, heads, head, sequence]
        var value = Heads("value", [0, 2, 1, 3]);   // [batch, heads, sequence, head]

        var scores = g.Node("MatMul", [query, key], name: $"{name}.attention.self.scores");
        var scaled = g.Node("Div", [scores, g.Scalar($"{name}.attention.self.scale", MathF.Sqrt(headSize))], name: $"{name}.attention.self.scale_scores");
        var masked = g.Node("Add", [scaled, maskBias], name: $"{name}.attention.self.mask");
        var probabilities = g.Node("Softmax", [masked], [OnnxAttribute.Int("axis", -1)], name: $"{name}.attention.self.softmax");
        var context = g.Node("MatMul", [probabilities, value], name: $"{name}.attention.self.context");
        var merged = g.Node("Transpose", [context], [OnnxAttribute.Ints("perm", 0, 2, 1, 3)], name: $"{name}.attention.self.merge_transpose");
        var flat = g.Node("Reshape", [merged, g.Int64s($"{name}.attention.hidden_shape", 0, 0, o.Hidden)], name: $"{name}.attention.self.merge_heads");

        var attention = Linear(g, $"{name}.attention.output.dense", flat, o.Hidden, o.Hidden, limit);
        var attended = LayerNorm(g, $"{name}.attention.output.LayerNorm",
            g.Node("Add", [attention, x], name: $"{name}.attention.output.residual"), o.Hidden);

        var intermediate = Gelu(g, $"{name}.intermediate.gelu", Linear(g, $"{name}.intermediate.dense", attended, o.Hidden, o.Intermediate, limit));
        var ffn = Linear(g, $"{name}.output.dense", intermediate, o.Intermediate, o.Hidden, limit);
        return LayerNorm(g, $"{name}.output.LayerNorm", g.Node("Add", [ffn, attended], name: $"{name}.output.residual"), o.Hidden, output);
    }

    /// <summary>x · W + b with W stored [in, out], as PyTorch exports nn.Linear to MatMul.</summary>
    private static string Linear(GraphBuilder g, string name, string x, int inFeatures, int outFeatures, float limit)
    {
        var weight = g.Uniform($"{name}.weight", [inFeatures, outFeatures], limit);
        var bias = g.Uniform($"{name}.bias", [outFeatures], limit);
        return g.Node("Add", [g.Node("MatMul", [x, weight], name: $"{name}.matmul"), bias], name: $"{name}.add");
    }

    /// <summary>The exact (erf) GELU, 0.5·x·(1 + erf(x/√2)), spelled out because Gelu only became an operator in opset 20.</summary>
    private static string Gelu(GraphBuilder g, string name, string x)
    {
        var erf = g.Node("Erf", [g.Node("Div", [x, g.Scalar($"{name}.sqrt2", MathF.Sqrt(2f))], name: $"{name}.div")], name: $"{name}.erf");
        var onePlus = g.Node("Add", [erf, g.Scalar($"{name}.one", 1f)], name: $"{name}.add");
        var product = g.Node("Mul", [x, onePlus], name: $"{name}.mul");
        return g.Node("Mul", [product, g.Scalar($"{name}.half", 0.5f)], name: $"{name}.half_mul");
    }

    private static string LayerNorm(GraphBuilder g, string name, string x, int hidden, string? output = null)
    {
        var scale = g.Filled($"{name}.weight", [hidden], 1f);
        var offset = g.Filled($"{name}.bias", [hidden], 0f);
        return g.Node("LayerNormalization", [x, scale, offset],
            [OnnxAttribute.Int("axis", -1), OnnxAttribute.Float("epsilon", LayerNormEpsilon)], name: name, output: output);
    }
}
