namespace Aot.Runtime;

/// <summary>ONNX Runtime graph optimisation levels.</summary>
public enum GraphOptimization
{
    /// <summary>No graph rewrites.</summary>
    None,
    /// <summary>Constant folding and redundant node removal.</summary>
    Basic,
    /// <summary>Basic plus node fusions.</summary>
    Extended,
    /// <summary>Everything, including layout transformations.</summary>
    All,
}
