using System.Text;
using Aot.Runtime;
using Aot.Protocol;

namespace Aot.Server.Models;

/// <summary>A model input or output as the server sees it: the runtime's description plus wire-ready facts.</summary>
internal sealed class ServingTensor
{
    public ServingTensor(TensorInfo info)
    {
        Info = info;
        Utf8Name = Encoding.UTF8.GetBytes(info.Name);
        Dims = [.. info.Shape];
        MetadataShape = [.. Dims.Select(static d => d.IsFixed ? d.Value : -1)];
    }

    public TensorInfo Info { get; }

    public int Index => Info.Index;

    public string Name => Info.Name;

    /// <summary>The name as UTF-8, so binary frames are matched without decoding a string.</summary>
    public byte[] Utf8Name { get; }

    public ElementType ElementType => Info.ElementType;

    /// <summary>Bytes per element; 0 for strings (see <see cref="IsString"/>).</summary>
    public int ElementSize => Info.ElementSize;

    /// <summary>A string (BYTES) tensor: variable-length elements, held as <see cref="Batching.StringTensor"/> data.</summary>
    public bool IsString => Info.ElementType == ElementType.String;

    public int Rank => Dims.Length;

    public Dimension[] Dims { get; }

    /// <summary>The shape as KServe metadata gives it (REST and gRPC): -1 for each dynamic dimension.</summary>
    public long[] MetadataShape { get; }

    /// <summary>KServe datatype name (FP32, INT64 …).</summary>
    public string DataTypeName => ElementTypes.ToKServeName(ElementType);
}
