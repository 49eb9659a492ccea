using Aot.Models.Onnx;
using Aot.Models.Synthetic;

namespace Aot.Models;

/// <summary>
/// Catalog entries for generated benchmark models. The parameterless calls give the catalog's own models
/// (<c>tiny</c>, <c>resnet50</c>, <c>bert</c>, <c>bert-tiny</c>, <c>bert-tiny-classifier</c>, <c>lstm</c>); pass options for other sizes or
/// seeds and resolve the result with <see cref="ModelCache.GetPath(ModelInfo, string?)"/>, which caches each
/// distinct recipe separately.
/// </summary>
public static class SyntheticModels
{
    /// <summary>The <c>tiny</c> overhead model (<see cref="TinyModel"/>).</summary>
    public static ModelInfo Tiny(TinyOptions? options = null, string name = "tiny")
    {
        options ??= new TinyOptions();
        return Create(name, $"y = Relu(x · W + b), x and y float [batch, {options.Features}]", options.RecipeKey, () => TinyModel.Build(options));
    }

    /// <summary>A ResNet (<see cref="ResNetModel"/>); ResNet-50 by default.</summary>
    public static ModelInfo ResNet(ResNetOptions? options = null, string name = "resnet50")
    {
        options ??= new ResNetOptions();
        return Create(name, $"ResNet v1 bottleneck CNN, stages {string.Join('-', options.StageBlocks)}, input float [batch, {options.InputChannels}, {options.ImageSize}, {options.ImageSize}] → logits [batch, {options.Classes}]",
            options.RecipeKey, () => ResNetModel.Build(options));
    }

    /// <summary>A BERT encoder (<see cref="BertModel"/>); BERT-base by default.</summary>
    public static ModelInfo Bert(BertOptions? options = null, string name = "bert")
    {
        options ??= BertOptions.Base;
        var output = options.ClassifierLabels > 0
            ? $"classifier → logits [batch, {options.ClassifierLabels}]"
            : $"last_hidden_state [batch, sequence, {options.Hidden}]";
        return Create(name, $"BERT encoder, {options.Layers} layers, hidden {options.Hidden}, {options.Heads} heads → {output}",
            options.RecipeKey, () => BertModel.Build(options));
    }

    /// <summary>A stacked batch-first LSTM (<see cref="LstmModel"/>).</summary>
    public static ModelInfo Lstm(LstmOptions? options = null, string name = "lstm")
    {
        options ??= new LstmOptions();
        return Create(name, $"{options.Layers}-layer LSTM, input float [batch, sequence, {options.Features}] → output [batch, sequence, {options.Hidden}], h_n",
            options.RecipeKey, () => LstmModel.Build(options));
    }

    internal static IReadOnlyList<ModelInfo> Catalog { get; } =
    [
        Tiny(),
        ResNet(),
        Bert(),
        Bert(BertOptions.Tiny, "bert-tiny"),
        Bert(BertOptions.TinyClassifier, "bert-tiny-classifier"),
        Lstm(),
    ];

    private static ModelInfo Create(string name, string description, string recipeKey, Func<OnnxModel> build)
    {
        var fileName = $"{name}.onnx";
        return ModelInfo.Generated(name, ModelKind.Generated, description, [fileName],
            new ModelGenerator(recipeKey, directory => OnnxWriter.WriteFile(build(), Path.Combine(directory, fileName))));
    }
}
