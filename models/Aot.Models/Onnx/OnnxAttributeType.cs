namespace Aot.Models.Onnx;

/// <summary>ONNX <c>AttributeProto.AttributeType</c>, with the values of onnx.proto.</summary>
public enum OnnxAttributeType
{
    /// <summary>One float (<c>f</c>).</summary>
    Float = 1,
    /// <summary>One int64 (<c>i</c>).</summary>
    Int = 2,
    /// <summary>One string (<c>s</c>).</summary>
    String = 3,
    /// <summary>One tensor (<c>t</c>).</summary>
    Tensor = 4,
    /// <summary>One graph (<c>g</c>).</summary>
    Graph = 5,
    /// <summary>Floats (<c>floats</c>).</summary>
    Floats = 6,
    /// <summary>Int64s (<c>ints</c>).</summary>
    Ints = 7,
    /// <summary>Strings (<c>strings</c>).</summary>
    Strings = 8,
}
