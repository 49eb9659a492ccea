using Aot.Runtime;

namespace Aot.Embeddings;

/// <summary>Where a BERT-style encoder's inputs and hidden-state output are, found by name in its metadata.</summary>
internal sealed record class BertSignature(int InputIdsIndex, int AttentionMaskIndex, int TokenTypeIdsIndex, int OutputIndex, int HiddenSize)
{
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
