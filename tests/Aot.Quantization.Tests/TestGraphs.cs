using Aot.Quantization;
using Google.Protobuf;
using Onnx;

namespace Aot.Quantization.Tests;

/// <summary>Small fp32 models built with the same protobuf classes the quantizer uses, seeded so values are repeatable.</summary>
internal static class TestGraphs
{
    public const int Hidden = 32;

    /// <summary>x[1, S, 32] → MatMul(W1) → Add(b) → Relu → MatMul(W2) → Gemm-free MLP "y", plus an embedding Gather from ids.</summary>
    public static ModelProto Mlp(int seed = 1)
    {
        var random = new Random(seed);
        var model = NewModel(17);
        GraphProto g = model.Graph;
        g.Input.Add(Tensor("x", TensorProto.Types.DataType.Float, [1, -1, Hidden]));
        g.Input.Add(Tensor("ids", TensorProto.Types.DataType.Int64, [1, -1]));
        g.Initializer.Add(Floats("w1", random, Hidden, Hidden));
        g.Initializer.Add(Floats("b1", random, Hidden));
        g.Initializer.Add(Floats("w2", random, Hidden, 16));
        g.Initializer.Add(Floats("table", random, 1024, Hidden));
        g.Node.Add(Node("Gather", "embed", ["table", "ids"], ["e"]));
        g.Node.Add(Node("Add", "sum", ["x", "e"], ["h0"]));
        g.Node.Add(Node("MatMul", "fc1", ["h0", "w1"], ["h1"]));
        g.Node.Add(Node("Add", "fc1.bias", ["h1", "b1"], ["h2"]));
        g.Node.Add(Node("Relu", "relu", ["h2"], ["h3"]));
        g.Node.Add(Node("MatMul", "fc2", ["h3", "w2"], ["y"]));
        g.Output.Add(Tensor("y", TensorProto.Types.DataType.Float, [1, -1, 16]));
        return model;
    }

    /// <summary>x[N, 4] → Gemm(W[8, 4], transB, alpha 0.5, beta 2, C) → y[N, 8].</summary>
    public static ModelProto Gemm(int seed = 2)
    {
        var random = new Random(seed);
        var model = NewModel(13);
        GraphProto g = model.Graph;
        g.Input.Add(Tensor("x", TensorProto.Types.DataType.Float, [-1, 4]));
        g.Initializer.Add(Floats("w", random, 8, 4));
        g.Initializer.Add(Floats("c", random, 8));
        NodeProto gemm = Node("Gemm", "gemm", ["x", "w", "c"], ["y"]);
        gemm.Attribute.Add(new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        gemm.Attribute.Add(new AttributeProto { Name = "alpha", Type = AttributeProto.Types.AttributeType.Float, F = 0.5f });
        gemm.Attribute.Add(new AttributeProto { Name = "beta", Type = AttributeProto.Types.AttributeType.Float, F = 2f });
        g.Node.Add(gemm);
        g.Output.Add(Tensor("y", TensorProto.Types.DataType.Float, [-1, 8]));
        return model;
    }

    /// <summary>A small residual CNN: Conv → Relu → MaxPool → Conv → Relu → Conv → Add → Relu → GlobalAveragePool → Flatten → Gemm.</summary>
    public static ModelProto Cnn(int seed = 3)
    {
        var random = new Random(seed);
        var model = NewModel(17);
        GraphProto g = model.Graph;
        g.Input.Add(Tensor("image", TensorProto.Types.DataType.Float, [-1, 3, 16, 16]));
        g.Initializer.Add(Floats("c1.w", random, 8, 3, 3, 3));
        g.Initializer.Add(Floats("c1.b", random, 8));
        g.Initializer.Add(Floats("c2.w", random, 8, 8, 3, 3));
        g.Initializer.Add(Floats("c2.b", random, 8));
        g.Initializer.Add(Floats("c3.w", random, 8, 8, 1, 1));
        g.Initializer.Add(Floats("c3.b", random, 8));
        g.Initializer.Add(Floats("fc.w", random, 10, 8));
        g.Initializer.Add(Floats("fc.b", random, 10));
        g.Node.Add(Conv("c1", "image", "c1.w", "c1.b", "t1", pad: 1));
        g.Node.Add(Node("Relu", "c1.relu", ["t1"], ["t2"]));
        NodeProto pool = Node("MaxPool", "pool", ["t2"], ["t3"]);
        pool.Attribute.Add(Ints("kernel_shape", 2, 2));
        pool.Attribute.Add(Ints("strides", 2, 2));
        g.Node.Add(pool);
        g.Node.Add(Conv("c2", "t3", "c2.w", "c2.b", "t4", pad: 1));
        g.Node.Add(Node("Relu", "c2.relu", ["t4"], ["t5"]));
        g.Node.Add(Conv("c3", "t5", "c3.w", "c3.b", "t6", pad: 0));
        g.Node.Add(Node("Add", "add", ["t6", "t3"], ["t7"]));
        g.Node.Add(Node("Relu", "add.relu", ["t7"], ["t8"]));
        g.Node.Add(Node("GlobalAveragePool", "gap", ["t8"], ["t9"]));
        g.Node.Add(Node("Flatten", "flatten", ["t9"], ["t10"]));
        NodeProto fc = Node("Gemm", "fc", ["t10", "fc.w", "fc.b"], ["logits"]);
        fc.Attribute.Add(new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        g.Node.Add(fc);
        g.Output.Add(Tensor("logits", TensorProto.Types.DataType.Float, [-1, 10]));
        return model;
    }

    /// <summary>Only a Relu: nothing to quantize.</summary>
    public static ModelProto ReluOnly()
    {
        var model = NewModel(17);
        model.Graph.Input.Add(Tensor("x", TensorProto.Types.DataType.Float, [1, 4]));
        model.Graph.Node.Add(Node("Relu", "relu", ["x"], ["y"]));
        model.Graph.Output.Add(Tensor("y", TensorProto.Types.DataType.Float, [1, 4]));
        return model;
    }

    public static string Save(ModelProto model, string folder, string name, bool externalData = false)
    {
        string path = Path.Combine(folder, name);
        OnnxFile.Save(model, path, externalData);
        return path;
    }

    private static ModelProto NewModel(long opset)
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "aot-tests", Graph = new GraphProto { Name = "test" } };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model;
    }

    private static NodeProto Conv(string name, string x, string w, string b, string y, int pad)
    {
        NodeProto conv = Node("Conv", name, [x, w, b], [y]);
        conv.Attribute.Add(Ints("pads", pad, pad, pad, pad));
        return conv;
    }

    private static NodeProto Node(string op, string name, string[] inputs, string[] outputs)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        return node;
    }

    private static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    private static TensorProto Floats(string name, Random random, params long[] dims)
    {
        long count = dims.Aggregate(1L, static (a, d) => a * d);
        float fanIn = dims.Length > 1 ? dims.Skip(1).Aggregate(1f, static (a, d) => a * d) : 1;
        float limit = dims.Length > 1 ? MathF.Sqrt(6f / fanIn) : 0.1f;
        float[] values = [.. Enumerable.Range(0, (int)count).Select(_ => ((random.NextSingle() * 2) - 1) * limit)];
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())) };
        t.Dims.AddRange(dims);
        return t;
    }

    private static ValueInfoProto Tensor(string name, TensorProto.Types.DataType type, long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (long d in dims)
        {
            shape.Dim.Add(d >= 0 ? new TensorShapeProto.Types.Dimension { DimValue = d } : new TensorShapeProto.Types.Dimension { DimParam = "n" + shape.Dim.Count });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }
}
