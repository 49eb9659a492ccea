using Aot.Models;
using Aot.Models.Onnx;
using Aot.Protocol;

namespace Aot.Server.Tests.Infrastructure;

/// <summary>Model files for the tests, from the shared model store (generated or fetched once, then cached).</summary>
internal static class TestModels
{
    /// <summary><c>y = Relu(x · W + b)</c>, float [batch, 16].</summary>
    public static string Tiny => ModelStore.GetPath("tiny");

    /// <summary>A 2-layer BERT: input_ids, attention_mask, token_type_ids int64 [batch, sequence] → last_hidden_state.</summary>
    public static string BertTiny => ModelStore.GetPath("bert-tiny");

    /// <summary>all-MiniLM-L6-v2 (real weights), with its vocab.txt next to it.</summary>
    public static string MiniLm => ModelStore.GetPath("minilm");

    /// <summary>snowflake-arctic-embed-xs (real weights, CLS pooling), with its vocab.txt next to it.</summary>
    public static string ArcticXs => ModelStore.GetPath("arctic-xs");

    public static string OddNames => Fixtures.GetPath("odd-names");

    public static string ManyInputsOutputs => Fixtures.GetPath("many-io");

    public static string Identity(ElementType type) => Fixtures.GetPath(Fixtures.IdentityName(type));

    /// <summary>Every numeric identity fixture (the string one is tested on its own).</summary>
    public static IEnumerable<ElementType> NumericIdentityTypes => Fixtures.IdentityElementTypes.Where(static t => t != ElementType.String);
}
