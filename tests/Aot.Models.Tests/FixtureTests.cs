using Aot.Models.Onnx;
using Aot.Protocol;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Aot.Models.Tests;

/// <summary>Every fixture loads in ONNX Runtime (or, for the broken ones, fails to) and means what its documentation says.</summary>
public class FixtureTests
{
    public static TheoryData<ElementType> NumericIdentityTypes => [.. Fixtures.IdentityElementTypes.Where(t => t != ElementType.String)];

    [Theory]
    [MemberData(nameof(NumericIdentityTypes))]
    public void Identity_round_trips_every_numeric_type(ElementType elementType)
    {
        using var session = Ort.Open(Fixtures.GetPath(Fixtures.IdentityName(elementType)));
        var input = session.InputMetadata["x"];
        Assert.Equal((int)elementType, (int)input.ElementDataType);
        Assert.Equal([-1, 3], input.Dimensions);
        Assert.Equal(["batch", ""], input.SymbolicDimensions);

        using var x = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, (TensorElementType)elementType, [2, 3]);
        var bytes = x.GetTensorMutableRawData();
        for (var i = 0; i < bytes.Length; i++)
            bytes[i] = elementType == ElementType.Bool ? (byte)(i % 2) : (byte)(i * 37 + 1);
        using var outputs = Ort.Run(session, ("x", x));
        Assert.Equal([2L, 3L], outputs.Shape("y"));
        Assert.Equal(bytes.ToArray(), outputs["y"].GetTensorMutableRawData().ToArray());
    }

    [Fact]
    public void Identity_round_trips_strings()
    {
        using var session = Ort.Open(Fixtures.GetPath("identity-string"));
        Assert.Equal(TensorElementType.String, session.InputMetadata["x"].ElementDataType);
        string[] values = ["", "a", "héllo", "🙂", "with space", "x"];
        using var x = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, [2, 3]);
        for (var i = 0; i < values.Length; i++)
            x.StringTensorSetElementAt(values[i], i);
        using var outputs = Ort.Run(session, ("x", x));
        Assert.Equal(values, outputs["y"].GetStringTensorAsArray());
    }

    [Fact]
    public void Identity_fixture_names_follow_the_type()
    {
        Assert.Equal("identity-int32", Fixtures.IdentityName(ElementType.Int32));
        Assert.Equal("identity-bfloat16", Fixtures.IdentityName(ElementType.BFloat16));
        Assert.Equal(14, Fixtures.IdentityElementTypes.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => Fixtures.IdentityName(ElementType.Complex64));
    }

    [Fact]
    public void Shapes_has_symbolic_unknown_zero_and_scalar_dims()
    {
        using var session = Ort.Open(Fixtures.GetPath("shapes"));
        Assert.Equal(
            "in  symbolic: Float [batch, sequence]\nin  unknown: Float [?, 3]\nin  empty: Float [0, 4]\nin  scalar: Float []\n" +
            "out symbolic_out: Float [batch, sequence]\nout unknown_out: Float [?, 3]\nout empty_out: Float [0, 4]\nout scalar_out: Float []",
            Ort.Describe(session).ReplaceLineEndings("\n"));

        using var symbolic = Ort.Tensor(new float[10], 2, 5);
        using var unknown = Ort.Tensor(new float[12], 4, 3);
        using var empty = Ort.Tensor(Array.Empty<float>(), 0, 4);
        using var scalar = Ort.Tensor(new[] { 7f });
        using var outputs = Ort.Run(session, ("symbolic", symbolic), ("unknown", unknown), ("empty", empty), ("scalar", scalar));
        Assert.Equal([2L, 5L], outputs.Shape("symbolic_out"));
        Assert.Equal([4L, 3L], outputs.Shape("unknown_out"));
        Assert.Equal([0L, 4L], outputs.Shape("empty_out"));
        Assert.Empty(outputs.Shape("scalar_out"));
        Assert.Equal([7f], outputs.Floats("scalar_out"));
    }

    [Fact]
    public void Odd_names_are_kept_verbatim()
    {
        using var session = Ort.Open(Fixtures.GetPath("odd-names"));
        Assert.Equal(["input:0", "2nd-input", "class", "half out"], session.InputNames);
        Assert.Equal(["output:0", "2nd-output", "namespace", "half_out"], session.OutputNames);

        var values = session.InputNames.Select((name, i) => (name, Ort.Tensor(new[] { i, i + 0.5f }, 1, 2))).ToArray();
        using var outputs = Ort.Run(session, values);
        Assert.Equal([3f, 3.5f], outputs.Floats("half_out"));
        foreach (var (_, value) in values)
            value.Dispose();
    }

    [Fact]
    public void Many_io_has_twelve_inputs_and_outputs_of_cycling_types()
    {
        using var session = Ort.Open(Fixtures.GetPath("many-io"));
        Assert.Equal(12, session.InputNames.Count);
        Assert.Equal(12, session.OutputNames.Count);
        TensorElementType[] cycle = [TensorElementType.Float16, TensorElementType.Bool, TensorElementType.Int32, TensorElementType.Double];
        for (var i = 0; i < 12; i++)
        {
            Assert.Equal($"in_{i:D2}", session.InputNames[i]);
            Assert.Equal($"out_{i:D2}", session.OutputNames[i]);
            Assert.Equal(cycle[i % 4], session.InputMetadata[$"in_{i:D2}"].ElementDataType);
            Assert.Equal(cycle[i % 4], session.OutputMetadata[$"out_{i:D2}"].ElementDataType);
        }

        var inputs = session.InputNames.Select(name => (name,
            OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, session.InputMetadata[name].ElementDataType, [3, 2]))).ToArray();
        using (var outputs = Ort.Run(session, inputs))
            Assert.All(session.OutputNames, name => Assert.Equal([3L, 2L], outputs.Shape(name)));
        foreach (var (_, value) in inputs)
            value.Dispose();
    }

    [Fact]
    public void Ir3_initializer_listed_as_input_is_not_a_real_input()
    {
        using var session = Ort.Open(Fixtures.GetPath("ir3-initializer-inputs"));
        Assert.Equal(["x"], session.InputNames);
        // Before IR 4 listing initializers as inputs was mandatory, so ORT treats them as constants, not overridable.
        Assert.Empty(session.OverridableInitializerMetadata);

        using var x = Ort.Tensor(new[] { 1f, 1f, 1f, 1f }, 1, 4);
        using var outputs = Ort.Run(session, ("x", x));
        Assert.Equal([2f, 3f, 4f, 5f], outputs.Floats("y"));
    }

    [Fact]
    public void External_data_is_read_from_the_side_file()
    {
        var path = Fixtures.GetPath("external-data");
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(path)!, "external-data.bin")));
        Assert.True(new FileInfo(path).Length < 1024, "the weights must not be inside the model file");

        using var session = Ort.Open(path);
        using var x = Ort.Tensor(new[] { 1f, 0f, 0f, 0f, 0f, 0f, 0f, 1f }, 2, 4);
        using var outputs = Ort.Run(session, ("x", x));
        // Row 0 picks W's first row (0, 1, 2, 3)/8, row 1 its last (12..15)/8; b = (1, 2, 3, 4).
        Assert.Equal([1f, 2.125f, 3.25f, 4.375f, 2.5f, 3.625f, 4.75f, 5.875f], outputs.Floats("y"));
    }

    [Fact]
    public void Sequence_input_is_a_sequence_of_float_tensors()
    {
        using var session = Ort.Open(Fixtures.GetPath("sequence-input"));
        var input = session.InputMetadata["tensors"];
        Assert.Equal(OnnxValueType.ONNX_TYPE_SEQUENCE, input.OnnxValueType);
        Assert.Equal(TensorElementType.Float, input.AsSequenceMetadata().ElementMeta.ElementDataType);

        var items = new List<OrtValue> { Ort.Tensor(new[] { 1f }, 1), Ort.Tensor(new[] { 1f, 2f }, 2), Ort.Tensor(new[] { 3f }, 1) };
        using var sequence = OrtValue.CreateSequence(items);
        using var outputs = Ort.Run(session, ("tensors", sequence));
        Assert.Equal([3L], outputs["count"].GetTensorDataAsSpan<long>().ToArray());
    }

    [Theory]
    [InlineData("float8-input", ElementType.Float8E4M3FN)]
    [InlineData("int4-input", ElementType.Int4)]
    public void Exotic_element_type_inputs_load_natively_but_not_in_the_managed_api(string name, ElementType elementType)
    {
        var path = Fixtures.GetPath(name);
        var input = ProtobufReader.Parse(File.ReadAllBytes(path)).Message(7).Message(11);
        Assert.Equal((ulong)elementType, input.Message(2).Message(1).Varint(1));

        // ORT's native session accepts the model; only the C# wrapper fails, while mapping the input's type to its
        // TensorElementType enum (which stops at BFloat16). A graph or parse error would have another message.
        var error = Assert.Throws<OnnxRuntimeException>(() => Ort.Open(path));
        Assert.Contains("Unregistered TensorElementType", error.Message);
    }

    [Theory]
    [InlineData("corrupt")]
    [InlineData("truncated")]
    public void Broken_files_are_rejected(string name)
    {
        var path = Fixtures.GetPath(name);
        Assert.True(new FileInfo(path).Length > 0);
        Assert.Throws<OnnxRuntimeException>(() => Ort.Open(path));
    }

    [Fact]
    public void Documented_metadata_is_reported()
    {
        var path = Fixtures.GetPath("documented");
        using var session = Ort.Open(path);
        var metadata = session.ModelMetadata;
        Assert.Equal("aot-models-fixtures", metadata.ProducerName);
        Assert.Equal("ai.aot.fixtures", metadata.Domain);
        Assert.Equal(7, metadata.Version);
        Assert.Equal("A fixture documented on every level: model, graph, inputs and outputs.", metadata.Description);
        Assert.Equal("documented", metadata.GraphName);
        Assert.Equal("Scores are the rectified features.", metadata.GraphDescription);
        Assert.Equal(
            new Dictionary<string, string> { ["author"] = "Aot contributors", ["license"] = "MIT", ["labels"] = "negative,neutral,positive", ["threshold"] = "0.5" },
            metadata.CustomMetadataMap);

        // ORT does not expose value doc_strings; check them in the file.
        var graph = ProtobufReader.Parse(File.ReadAllBytes(path)).Message(7);
        Assert.Equal("Features of each item, one row per item.", graph.Message(11).String(3));
        Assert.Equal("Non-negative score of each feature.", graph.Message(12).String(3));
        Assert.Equal("1.2.3", ProtobufReader.Parse(File.ReadAllBytes(path)).String(3));
    }

    [Fact]
    public void WriteAll_writes_every_fixture_and_side_file()
    {
        var directory = Directory.CreateTempSubdirectory("aot-models-fixtures-");
        try
        {
            var paths = Fixtures.WriteAll(directory.FullName);
            Assert.Equal(Fixtures.Names.Count, paths.Count);
            Assert.All(paths, path => Assert.True(File.Exists(path), path));
            Assert.Equal(Fixtures.Names.Select(name => name == "external-data" ? "external-data.onnx" : $"{name}.onnx"), paths.Select(Path.GetFileName));
            Assert.True(File.Exists(Path.Combine(directory.FullName, "external-data.bin")));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Fixtures_are_part_of_the_catalog()
    {
        Assert.All(Fixtures.Names, name => Assert.Equal(ModelKind.Fixture, ModelStore.Get(name).Kind));
        Assert.Throws<ArgumentException>(() => Fixtures.GetPath("tiny"));
    }
}
