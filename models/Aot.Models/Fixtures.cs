using Aot.Models.FixtureModels;
using Aot.Models.Onnx;
using Aot.Protocol;

namespace Aot.Models;

/// <summary>
/// Small models that each exercise one edge case of ONNX files, for the tests of every layer. They are generated
/// (milliseconds), never committed; <see cref="GetPath"/> caches them like any other model.
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term><c>identity-{type}</c></term><description><c>y = Identity(x)</c>, [batch, 3], one per <see cref="IdentityElementTypes"/> entry, e.g. <c>identity-int32</c>, <c>identity-bfloat16</c>, <c>identity-string</c>.</description></item>
/// <item><term><c>shapes</c></term><description>Inputs <c>symbolic</c> [batch, sequence], <c>unknown</c> [?, 3], <c>empty</c> [0, 4], <c>scalar</c> []; outputs <c>{input}_out</c>.</description></item>
/// <item><term><c>odd-names</c></term><description>Inputs <c>input:0</c>, <c>2nd-input</c>, <c>class</c>, <c>half out</c> → outputs <c>output:0</c>, <c>2nd-output</c>, <c>namespace</c>, <c>half_out</c>.</description></item>
/// <item><term><c>many-io</c></term><description>12 inputs <c>in_00..in_11</c> → 12 outputs <c>out_00..out_11</c>, cycling FP16, BOOL, INT32, FP64.</description></item>
/// <item><term><c>ir3-initializer-inputs</c></term><description>IR 3: initializer <c>bias</c> also listed as a graph input; only <c>x</c> is a real input.</description></item>
/// <item><term><c>external-data</c></term><description>Weights in the side file <c>external-data.bin</c>.</description></item>
/// <item><term><c>sequence-input</c></term><description>Input <c>tensors</c> is sequence&lt;tensor&lt;float&gt;&gt;.</description></item>
/// <item><term><c>float8-input</c>, <c>int4-input</c></term><description>FLOAT8E4M3FN / INT4 input <c>x</c>, float output <c>y</c>.</description></item>
/// <item><term><c>corrupt</c>, <c>truncated</c></term><description>Invalid protobuf; a valid model cut in half.</description></item>
/// <item><term><c>documented</c></term><description>doc_strings everywhere and metadata_props.</description></item>
/// </list>
/// </remarks>
public static class Fixtures
{
    /// <summary>Element types that have an <c>identity-{type}</c> fixture: all that ONNX Runtime runs on CPU.</summary>
    public static IReadOnlyList<ElementType> IdentityElementTypes => IdentityFixture.ElementTypes;

    // Declared before Names: static initializers run in text order.
    internal static IReadOnlyList<ModelInfo> Catalog { get; } = [.. IdentityFixture.ElementTypes.Select(Identity), .. Others()];

    /// <summary>Names of all fixtures.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Catalog.Select(fixture => fixture.Name)];

    /// <summary>The name of the identity fixture of <paramref name="elementType"/>, e.g. <c>identity-int32</c>.</summary>
    public static string IdentityName(ElementType elementType) =>
        IdentityFixture.ElementTypes.Contains(elementType)
            ? IdentityFixture.Name(elementType)
            : throw new ArgumentOutOfRangeException(nameof(elementType), elementType, "No identity fixture for this element type.");

    /// <summary>Path of the fixture's model file in the shared cache, generating it first if needed.</summary>
    public static string GetPath(string name) => ModelStore.Cache.GetPath(Get(name));

    /// <summary>Writes the fixture's files into <paramref name="directory"/> (created if needed); returns their paths, model first.</summary>
    public static IReadOnlyList<string> Write(string name, string directory)
    {
        var fixture = Get(name);
        Directory.CreateDirectory(directory);
        fixture.Generator!.WriteFiles(directory);
        return [.. fixture.Files.Select(file => Path.Combine(directory, file.FileName))];
    }

    /// <summary>Writes every fixture into <paramref name="directory"/>; returns the model files' paths.</summary>
    public static IReadOnlyList<string> WriteAll(string directory) => [.. Names.Select(name => Write(name, directory)[0])];

    private static ModelInfo Get(string name)
    {
        var model = ModelCatalog.Get(name);
        return model.Kind == ModelKind.Fixture ? model : throw new ArgumentException($"'{name}' is a {model.Kind} model, not a fixture.", nameof(name));
    }

    private static ModelInfo Identity(ElementType elementType) =>
        FromModel(IdentityFixture.Name(elementType), $"y = Identity(x), {elementType} [batch, 3]", () => IdentityFixture.Build(elementType));

    private static IEnumerable<ModelInfo> Others()
    {
        yield return FromModel(ShapesFixture.Name, "symbolic, unknown, zero and scalar dims", ShapesFixture.Build);
        yield return FromModel(OddNamesFixture.Name, "names that are not C# identifiers: input:0, 2nd-input, class, half out", OddNamesFixture.Build);
        yield return FromModel(ManyInputsOutputsFixture.Name, "12 inputs and 12 outputs of FP16, BOOL, INT32, FP64", ManyInputsOutputsFixture.Build);
        yield return FromModel(Ir3InitializerInputsFixture.Name, "IR 3 model whose initializer is also a graph input", Ir3InitializerInputsFixture.Build);
        yield return Fixture(ExternalDataFixture.Name, "weights in a side file (external data)",
            [ExternalDataFixture.ModelFileName, ExternalDataFixture.WeightsFileName], ExternalDataFixture.Write);
        yield return FromModel(SequenceInputFixture.Name, "non-tensor input: sequence<tensor<float>>", SequenceInputFixture.Build);
        yield return FromModel(UnsupportedElementTypeFixture.Float8Name, "FLOAT8E4M3FN input (not bindable by the typed API)",
            () => UnsupportedElementTypeFixture.Build(ElementType.Float8E4M3FN));
        yield return FromModel(UnsupportedElementTypeFixture.Int4Name, "INT4 input (not bindable by the typed API)",
            () => UnsupportedElementTypeFixture.Build(ElementType.Int4));
        yield return FromBytes(BrokenFileFixtures.CorruptName, "not a valid protobuf message", BrokenFileFixtures.Corrupt);
        yield return FromBytes(BrokenFileFixtures.TruncatedName, "a valid model cut in half", BrokenFileFixtures.Truncated);
        yield return FromModel(DocumentedFixture.Name, "doc_strings on model, graph, inputs, outputs; metadata_props", DocumentedFixture.Build);
    }

    private static ModelInfo FromModel(string name, string description, Func<OnnxModel> build) =>
        Fixture(name, description, [$"{name}.onnx"], directory => OnnxWriter.WriteFile(build(), Path.Combine(directory, $"{name}.onnx")));

    private static ModelInfo FromBytes(string name, string description, Func<byte[]> bytes) =>
        Fixture(name, description, [$"{name}.onnx"], directory => File.WriteAllBytes(Path.Combine(directory, $"{name}.onnx"), bytes()));

    // A fixture's recipe is its name: its content is fixed by code, and ModelGenerator.Version covers changes to it.
    private static ModelInfo Fixture(string name, string description, IReadOnlyList<string> fileNames, Action<string> write) =>
        ModelInfo.Generated(name, ModelKind.Fixture, description, fileNames, new ModelGenerator($"fixture {name}", write));
}
