using Aot.Runtime;
using Aot.Protocol;

namespace Aot.Embeddings;

/// <summary>Where a BERT-style encoder's inputs and hidden-state output are, found by name in its metadata.</summary>
/// <param name="InputIdsIndex">Position of <c>input_ids</c> (Int64 <c>[batch, sequence]</c>).</param>
/// <param name="AttentionMaskIndex">Position of <c>attention_mask</c> (Int64 <c>[batch, sequence]</c>).</param>
/// <param name="TokenTypeIdsIndex">Position of <c>token_type_ids</c>, or -1 when the model has none (DistilBERT-style).</param>
/// <param name="OutputIndex">Position of the hidden-state output (Float <c>[batch, sequence, hidden]</c>).</param>
/// <param name="HiddenSize">Width of the hidden state.</param>
public sealed record class BertSignature(int InputIdsIndex, int AttentionMaskIndex, int TokenTypeIdsIndex, int OutputIndex, int HiddenSize)
{
    /// <summary>Finds the encoder's inputs and hidden-state output in <paramref name="model"/>'s metadata.</summary>
    /// <param name="model">The model.</param>
    /// <param name="outputName">The hidden-state output; null picks <c>last_hidden_state</c>, else the first rank-3 float output.</param>
    /// <exception cref="ModelInputException">An input is missing or not Int64 <c>[batch, sequence]</c>.</exception>
    /// <exception cref="ArgumentException">No usable hidden-state output.</exception>
    public static BertSignature Of(OnnxModel model, string? outputName)
    {
        ModelMetadata metadata = model.Metadata;
        int ids = metadata.GetInputIndex("input_ids");
        int mask = metadata.GetInputIndex("attention_mask");
        int types = metadata.FindInput("token_type_ids")?.Index ?? -1; // DistilBERT-style models have none
        foreach (int index in types >= 0 ? [ids, mask, types] : new[] { ids, mask })
        {
            TensorInfo input = metadata.Inputs[index];
            if (input.ElementType != ElementType.Int64 || input.Rank != 2)
                throw new ModelInputException(input.Name, $"Input '{input.Name}' of '{model.Source}' is {input.ElementType} {input.ShapeText}; an encoder takes Int64 [batch, sequence].");
        }

        TensorInfo output = outputName is not null
            ? metadata.Outputs[metadata.GetOutputIndex(outputName)]
            : metadata.FindOutput("last_hidden_state")
                ?? metadata.Outputs.FirstOrDefault(o => o.Rank == 3 && o.ElementType == ElementType.Float)
                ?? throw new ArgumentException($"'{model.Source}' has no rank-3 float output (last hidden state); outputs: {string.Join(", ", metadata.Outputs.Select(o => $"{o.Name} {o.ShapeText}"))}.");
        if (output.Rank != 3 || output.ElementType != ElementType.Float || !output.Shape[2].IsFixed)
            throw new ArgumentException($"Output '{output.Name}' of '{model.Source}' is {output.ElementType} {output.ShapeText}; embeddings need Float [batch, sequence, hidden] with a fixed hidden size.");
        return new BertSignature(ids, mask, types, output.Index, checked((int)output.Shape[2].Value));
    }
}
