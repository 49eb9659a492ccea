using Aot.Generators.Onnx;
using Aot.Generators.Tests.Infrastructure;
using Aot.Generators.Tests.Onnx;
using Aot.Protocol;

namespace Aot.Generators.Tests;

/// <summary>The protobuf metadata reader shared by the MSBuild task and the generator.</summary>
public sealed class ReaderTests
{
    [Fact]
    public void Reads_model_fields_inputs_outputs_and_metadata()
    {
        OnnxModelBuilder builder = TestModels.MiniLmLike().Metadata("author", "tests").Opset("com.microsoft", 1);
        builder.Domain = "ai.aot";
        builder.ModelVersion = 3;
        builder.GraphDocString = "graph doc";

        OnnxModelInfo model = Read(builder.ToArray());

        Assert.Equal(8, model.IrVersion);
        Assert.Equal(("pytorch", "1.13.1", "ai.aot", 3L), (model.ProducerName, model.ProducerVersion, model.Domain, model.ModelVersion));
        Assert.Equal("Sentence embeddings (MiniLM-L6, 384 dimensions).", model.DocString);
        Assert.Equal(("main_graph", "graph doc"), (model.GraphName, model.GraphDocString));
        Assert.Equal(new[] { new OnnxOpset("", 14), new OnnxOpset("com.microsoft", 1) }, model.Opsets);
        Assert.Equal(new[] { new KeyValuePair<string, string>("author", "tests") }, model.MetadataProps);
        Assert.Equal(new[] { "input_ids", "attention_mask", "token_type_ids" }, model.Inputs.Select(i => i.Name));
        Assert.Equal(new[] { "last_hidden_state", "924" }, model.Outputs.Select(o => o.Name));
        Assert.Equal("Token ids from the WordPiece vocabulary.", model.Inputs[0].DocString);

        OnnxValueType hidden = model.Outputs[0].Type;
        Assert.Equal((OnnxValueKind.Tensor, 1, "tensor(float)"), (hidden.Kind, hidden.ElementType, hidden.Description));
        Assert.Equal(new[] { OnnxDimension.Symbolic("batch_size"), OnnxDimension.Symbolic("sequence_length"), OnnxDimension.Fixed(384) }, hidden.Shape);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(10)]
    public void Graph_inputs_that_are_initializers_are_not_inputs(long irVersion)
    {
        OnnxModelBuilder builder = TestModels.Ir3Classifier();
        builder.IrVersion = irVersion;

        OnnxModelInfo model = Read(builder.ToArray());

        Assert.Equal("data_0", Assert.Single(model.Inputs).Name);
        Assert.Equal("softmaxout_1", Assert.Single(model.Outputs).Name);
    }

    [Fact]
    public void Initializer_names_are_found_after_float_data_and_in_sparse_initializers()
    {
        byte[] bytes = new OnnxModelBuilder()
            .FloatDataInitializer("w", new long[] { 3 }, 1f, 2f, 3f)
            .SparseInitializer("s")
            .Input("x", OnnxType.Tensor(Elem.Float, 3L))
            .Input("w", OnnxType.Tensor(Elem.Float, 3L))
            .Input("s", OnnxType.Tensor(Elem.Float, 4L))
            .Output("y", OnnxType.Tensor(Elem.Float, 3L))
            .ToArray();

        Assert.Equal("x", Assert.Single(Read(bytes).Inputs).Name);
    }

    [Fact]
    public void External_data_is_metadata_only_and_never_followed()
    {
        byte[] bytes = new OnnxModelBuilder()
            .ExternalInitializer("weight", new long[] { 1024, 1024 }, "weights.bin.that.does.not.exist", 4L << 20)
            .Input("x", OnnxType.Tensor(Elem.Float, "n", 1024L))
            .Output("y", OnnxType.Tensor(Elem.Float, "n", 1024L))
            .ToArray();

        OnnxModelInfo model = Read(bytes);

        Assert.Equal("x", Assert.Single(model.Inputs).Name);
    }

    [Fact]
    public void Every_element_type_keeps_its_number_and_onnx_name()
    {
        var builder = new OnnxModelBuilder();
        for (int type = 0; type <= 27; type++)
        {
            builder.Input("t" + type, OnnxType.Tensor(type, 1L));
        }

        OnnxModelInfo model = Read(builder.ToArray());

        Assert.Equal(Enumerable.Range(0, 28), model.Inputs.Select(i => i.Type.ElementType));
        Assert.Equal("tensor(float)", model.Inputs[1].Type.Description);
        Assert.Equal("tensor(bfloat16)", model.Inputs[16].Type.Description);
        Assert.Equal("tensor(float8e4m3fn)", model.Inputs[17].Type.Description);
        Assert.Equal("tensor(int4)", model.Inputs[22].Type.Description);
        Assert.Equal("tensor(element_type_27)", model.Inputs[27].Type.Description);
    }

    [Fact]
    public void Dimensions_fixed_symbolic_unknown_zero_negative_scalar_and_unknown_rank()
    {
        byte[] bytes = new OnnxModelBuilder()
            .Input("dims", OnnxType.Tensor(Elem.Float, 2L, "batch", null, 0L, -1L))
            .Input("scalar", OnnxType.Tensor(Elem.Float))
            .Input("no_shape", OnnxType.TensorWithoutShape(Elem.Float))
            .Output("y", OnnxType.Tensor(Elem.Float, 1L))
            .ToArray();

        OnnxModelInfo model = Read(bytes);

        Assert.Equal(
            new[] { OnnxDimension.Fixed(2), OnnxDimension.Symbolic("batch"), OnnxDimension.Unknown, OnnxDimension.Fixed(0), OnnxDimension.Unknown },
            model.Inputs[0].Type.Shape);
        Assert.Empty(model.Inputs[1].Type.Shape!);
        Assert.Null(model.Inputs[2].Type.Shape);
    }

    [Fact]
    public void Non_tensor_types_are_described()
    {
        byte[] bytes = new OnnxModelBuilder()
            .Input("seq", OnnxType.Sequence(OnnxType.Tensor(Elem.Float, "n")))
            .Input("map", OnnxType.Map(Elem.Int64, OnnxType.Tensor(Elem.Float)))
            .Input("opt", OnnxType.Optional(OnnxType.Sequence(OnnxType.Map(Elem.String, OnnxType.Tensor(Elem.Double)))))
            .Input("sparse", OnnxType.SparseTensor(Elem.Float, 10L, 10L))
            .Input("untyped", OnnxType.None)
            .Output("y", OnnxType.Tensor(Elem.Float, 1L))
            .ToArray();

        OnnxModelInfo model = Read(bytes);

        Assert.Equal(
            new[] { "seq(tensor(float))", "map(int64,tensor(float))", "optional(seq(map(string,tensor(double))))", "sparse_tensor(float)", "none" },
            model.Inputs.Select(i => i.Type.Description));
        Assert.Equal(
            new[] { OnnxValueKind.Sequence, OnnxValueKind.Map, OnnxValueKind.Optional, OnnxValueKind.SparseTensor, OnnxValueKind.None },
            model.Inputs.Select(i => i.Type.Kind));
    }

    [Fact]
    public void Many_inputs_and_outputs_and_nodes()
    {
        var builder = new OnnxModelBuilder();
        for (int i = 0; i < 600; i++)
        {
            builder.Input("in" + i, OnnxType.Tensor(Elem.Float, "n")).Output("out" + i, OnnxType.Tensor(Elem.Float, "n"));
            builder.Node("Identity", new[] { "in" + i }, new[] { "out" + i });
        }

        OnnxModelInfo model = Read(builder.ToArray());

        Assert.Equal(600, model.Inputs.Count);
        Assert.Equal("out599", model.Outputs[599].Name);
    }

    [Fact]
    public void A_100_MB_model_costs_a_few_kilobytes_of_reads()
    {
        OnnxModelBuilder builder = TestModels.MiniLmLike();
        for (int i = 0; i < 4; i++)
        {
            builder.LargeInitializer("encoder.layer." + i + ".weight", 25L << 20);
            builder.Node("MatMul", new[] { "x", "encoder.layer." + i + ".weight" }, new[] { "h" + i });
        }

        string path = Path.Combine(Path.GetTempPath(), "aot-reader-" + Guid.NewGuid().ToString("N") + ".onnx");
        try
        {
            builder.WriteTo(path);
            Assert.True(new FileInfo(path).Length > 100L << 20);

            using var stream = new CountingStream(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1));
            OnnxModelInfo model = OnnxMetadataReader.Read(stream);

            Assert.Equal(3, model.Inputs.Count);
            Assert.Equal(2, model.Outputs.Count);
            Assert.True(stream.BytesRead < 16 * 1024, $"read {stream.BytesRead} bytes in {stream.Reads} reads");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Streams_that_cannot_seek_are_read_to_the_end()
    {
        byte[] bytes = TestModels.MiniLmLike().LargeInitializer("w", 1 << 20).ToArray();
        using var stream = new CountingStream(new MemoryStream(bytes), seekable: false);

        OnnxModelInfo model = OnnxMetadataReader.Read(stream);

        Assert.Equal(3, model.Inputs.Count);
        Assert.Equal(bytes.Length, stream.BytesRead);
    }

    [Fact]
    public void Reading_starts_where_the_stream_is()
    {
        byte[] model = TestModels.MiniLmLike().ToArray();
        var stream = new MemoryStream(new byte[7].Concat(model).ToArray()) { Position = 7 };

        Assert.Equal(3, OnnxMetadataReader.Read(stream).Inputs.Count);
    }

    [Fact]
    public void Every_truncation_inside_the_graph_is_a_format_error()
    {
        byte[] bytes = TestModels.MiniLmLike().ToArray();
        int graphEnd = GraphEnd(bytes);

        for (int length = 0; length < bytes.Length; length++)
        {
            using var stream = new MemoryStream(bytes, 0, length);
            if (length < graphEnd)
            {
                OnnxFormatException error = Assert.Throws<OnnxFormatException>(() => OnnxMetadataReader.Read(stream));
                Assert.False(string.IsNullOrWhiteSpace(error.Message));
            }
            else
            {
                // After the graph, a cut between two top-level fields leaves a valid message that lacks only opsets.
                try
                {
                    Assert.Equal(3, OnnxMetadataReader.Read(stream).Inputs.Count);
                }
                catch (OnnxFormatException)
                {
                }
            }
        }
    }

    [Fact]
    public void Random_corruption_is_a_format_error_or_a_model_never_another_exception()
    {
        byte[] original = TestModels.NamingTorture().LargeInitializer("w", 4096).ToArray();
        var random = new Random(20261124);
        for (int attempt = 0; attempt < 3000; attempt++)
        {
            byte[] bytes = (byte[])original.Clone();
            for (int flips = random.Next(1, 8); flips > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            try
            {
                _ = OnnxMetadataReader.Read(new MemoryStream(bytes));
            }
            catch (OnnxFormatException)
            {
            }
        }
    }

    [Theory]
    [InlineData(new byte[0], "the file is empty")]
    [InlineData(new byte[] { 0x08, 0x08 }, "no graph found: this is not an ONNX model, or it is truncated")]
    [InlineData(new byte[] { 0x3A, 0x80 }, "unexpected end of file at offset 1 while reading a number (the file is truncated or corrupt)")]
    [InlineData(new byte[] { 0x3A, 0x10, 0x01 }, "truncated or corrupt: the field at offset 1 declares 16 bytes but only 1 remain")]
    [InlineData(new byte[] { 0x4B }, "unsupported wire type 3 at offset 1")]
    [InlineData(new byte[] { 0x3B }, "ModelProto field 7 has wire type 3 at offset 1: the file is not an ONNX model or is corrupt")]
    [InlineData(new byte[] { 0x38, 0x01 }, "ModelProto field 7 has wire type 0 at offset 1: the file is not an ONNX model or is corrupt")]
    [InlineData(new byte[] { 0x00 }, "invalid field number 0 at offset 0")]
    public void Malformed_bytes_give_precise_messages(byte[] bytes, string message)
    {
        OnnxFormatException error = Assert.Throws<OnnxFormatException>(() => OnnxMetadataReader.Read(new MemoryStream(bytes)));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_git_lfs_pointer_is_named_as_such()
    {
        byte[] pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 90000000\n"u8.ToArray();

        OnnxFormatException error = Assert.Throws<OnnxFormatException>(() => OnnxMetadataReader.Read(new MemoryStream(pointer)));

        Assert.Equal("the file is a Git LFS pointer, not the model (fetch the real file, e.g. with 'git lfs pull')", error.Message);
    }

    [Fact]
    public void Long_doc_strings_are_cut_and_long_names_are_errors()
    {
        string longDoc = new('d', OnnxMetadataReader.MaxDocStringBytes + 100);
        var model = new OnnxModelBuilder { DocString = longDoc }.Input("x", OnnxType.Tensor(Elem.Float, 1L)).Output("y", OnnxType.Tensor(Elem.Float, 1L));
        Assert.Equal(OnnxMetadataReader.MaxDocStringBytes, Read(model.ToArray()).DocString.Length);

        var badName = new OnnxModelBuilder().Input(new string('n', OnnxMetadataReader.MaxNameBytes + 1), OnnxType.Tensor(Elem.Float, 1L));
        Assert.Throws<OnnxFormatException>(() => Read(badName.ToArray()));
    }

    private static OnnxModelInfo Read(byte[] bytes) => OnnxMetadataReader.Read(new MemoryStream(bytes));

    /// <summary>Offset just past ModelProto.graph, found by walking the top-level fields.</summary>
    private static int GraphEnd(byte[] bytes)
    {
        int position = 0;
        while (position < bytes.Length)
        {
            ulong key = ReadVarint(bytes, ref position);
            switch (key & 7)
            {
                case 0:
                    ReadVarint(bytes, ref position);
                    break;
                case 2:
                    int length = (int)ReadVarint(bytes, ref position);
                    position += length;
                    if (key >> 3 == 7)
                    {
                        return position;
                    }

                    break;
                default:
                    throw new InvalidOperationException();
            }
        }

        throw new InvalidOperationException("no graph");
    }

    private static ulong ReadVarint(byte[] bytes, ref int position)
    {
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}
