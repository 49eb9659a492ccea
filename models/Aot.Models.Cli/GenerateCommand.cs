using System.CommandLine;
using Aot.Models.Onnx;
using Aot.Models.Synthetic;

namespace Aot.Models.Cli;

/// <summary>
/// <c>generate NAME [--out PATH] [--seed N] [size options]</c>: builds a synthetic model, with the catalog's sizes
/// or others. Without <c>--out</c> the model goes to the cache (each distinct recipe is cached separately).
/// </summary>
internal sealed class GenerateCommand
{
    private static readonly string[] Kinds = ["tiny", "resnet50", "bert", "bert-tiny", "bert-tiny-classifier", "lstm"];

    private readonly Argument<string> _name = new("name") { Description = $"One of: {string.Join(", ", Kinds)}." };
    private readonly Option<FileInfo?> _output = new("--out") { Description = "Write the model to this file instead of the cache." };
    private readonly Option<ulong?> _seed = new("--seed") { Description = "Seed of the weights (default 42)." };
    private readonly Option<int?> _layers = new("--layers") { Description = "bert, lstm: number of layers." };
    private readonly Option<int?> _hidden = new("--hidden") { Description = "bert, lstm: hidden width." };
    private readonly Option<int?> _heads = new("--heads") { Description = "bert: attention heads (must divide --hidden)." };
    private readonly Option<int?> _intermediate = new("--intermediate") { Description = "bert: feed-forward width." };
    private readonly Option<int?> _vocab = new("--vocab") { Description = "bert: vocabulary size." };
    private readonly Option<int?> _maxPositions = new("--max-positions") { Description = "bert: longest sequence." };
    private readonly Option<int?> _features = new("--features") { Description = "tiny, lstm: input width." };
    private readonly Option<int?> _imageSize = new("--image-size") { Description = "resnet50: input height and width." };
    private readonly Option<int?> _width = new("--width") { Description = "resnet50: base width (64 for ResNet-50)." };
    private readonly Option<int?> _classes = new("--classes") { Description = "resnet50: number of logits." };
    private readonly Option<string?> _stages = new("--stages") { Description = "resnet50: blocks per stage, e.g. 3,4,6,3 (ResNet-50) or 2,2,2,2." };

    public static Command Create() => new GenerateCommand().Build();

    private Command Build()
    {
        _name.AcceptOnlyFromAmong(Kinds);
        var command = new Command("generate", "Generate a synthetic model with seeded weights; prints its path.")
        {
            _name, _output, _seed, _layers, _hidden, _heads, _intermediate, _vocab, _maxPositions, _features, _imageSize, _width, _classes, _stages,
        };
        command.SetAction(parse => CliErrors.Run(() => Run(parse)));
        return command;
    }

    private int Run(ParseResult parse)
    {
        var kind = parse.GetRequiredValue(_name);
        RejectOptionsThatDoNotApply(parse, kind);
        var (model, build) = kind switch
        {
            "tiny" => Tiny(parse),
            "resnet50" => ResNet(parse),
            "bert" => Bert(parse, BertOptions.Base, kind),
            "bert-tiny" => Bert(parse, BertOptions.Tiny, kind),
            "bert-tiny-classifier" => Bert(parse, BertOptions.TinyClassifier, kind),
            _ => Lstm(parse),
        };

        if (parse.GetValue(_output) is { } file)
        {
            file.Directory?.Create();
            OnnxWriter.WriteFile(build(), file.FullName);
            Console.WriteLine(file.FullName);
        }
        else
        {
            Console.WriteLine(ModelStore.Cache.GetPath(model));
        }
        return 0;
    }

    private void RejectOptionsThatDoNotApply(ParseResult parse, string kind)
    {
        Option[] applicable = kind switch
        {
            "tiny" => [_features],
            "resnet50" => [_imageSize, _width, _classes, _stages],
            "bert" or "bert-tiny" or "bert-tiny-classifier" => [_layers, _hidden, _heads, _intermediate, _vocab, _maxPositions],
            _ => [_layers, _hidden, _features],
        };
        Option[] sizes = [_layers, _hidden, _heads, _intermediate, _vocab, _maxPositions, _features, _imageSize, _width, _classes, _stages];
        var misplaced = sizes.Where(option => parse.GetResult(option) is not null && !applicable.Contains(option)).Select(option => option.Name).ToList();
        if (misplaced.Count > 0)
            throw new ArgumentException($"{string.Join(", ", misplaced)} not applicable to {kind}; it takes {string.Join(", ", applicable.Select(o => o.Name))}.");
    }

    private (ModelInfo, Func<OnnxModel>) Tiny(ParseResult parse)
    {
        var defaults = new TinyOptions();
        var options = defaults with
        {
            Features = parse.GetValue(_features) ?? defaults.Features,
            Seed = parse.GetValue(_seed) ?? defaults.Seed,
        };
        return (SyntheticModels.Tiny(options), () => TinyModel.Build(options));
    }

    private (ModelInfo, Func<OnnxModel>) ResNet(ParseResult parse)
    {
        var defaults = new ResNetOptions();
        var options = defaults with
        {
            ImageSize = parse.GetValue(_imageSize) ?? defaults.ImageSize,
            BaseWidth = parse.GetValue(_width) ?? defaults.BaseWidth,
            Classes = parse.GetValue(_classes) ?? defaults.Classes,
            StageBlocks = ParseStages(parse.GetValue(_stages)) ?? defaults.StageBlocks,
            Seed = parse.GetValue(_seed) ?? defaults.Seed,
        };
        return (SyntheticModels.ResNet(options), () => ResNetModel.Build(options));
    }

    private (ModelInfo, Func<OnnxModel>) Bert(ParseResult parse, BertOptions defaults, string name)
    {
        var options = defaults with
        {
            Layers = parse.GetValue(_layers) ?? defaults.Layers,
            Hidden = parse.GetValue(_hidden) ?? defaults.Hidden,
            Heads = parse.GetValue(_heads) ?? defaults.Heads,
            Intermediate = parse.GetValue(_intermediate) ?? defaults.Intermediate,
            VocabSize = parse.GetValue(_vocab) ?? defaults.VocabSize,
            MaxPositions = parse.GetValue(_maxPositions) ?? defaults.MaxPositions,
            Seed = parse.GetValue(_seed) ?? defaults.Seed,
        };
        return (SyntheticModels.Bert(options, name), () => BertModel.Build(options));
    }

    private (ModelInfo, Func<OnnxModel>) Lstm(ParseResult parse)
    {
        var defaults = new LstmOptions();
        var options = defaults with
        {
            Layers = parse.GetValue(_layers) ?? defaults.Layers,
            Hidden = parse.GetValue(_hidden) ?? defaults.Hidden,
            Features = parse.GetValue(_features) ?? defaults.Features,
            Seed = parse.GetValue(_seed) ?? defaults.Seed,
        };
        return (SyntheticModels.Lstm(options), () => LstmModel.Build(options));
    }

    private static int[]? ParseStages(string? text)
    {
        if (text is null)
            return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var stages = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], System.Globalization.CultureInfo.InvariantCulture, out stages[i]))
                throw new ArgumentException($"--stages takes comma-separated block counts such as 3,4,6,3, not '{text}'.");
        }
        return stages;
    }
}
