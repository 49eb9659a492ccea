using System.Text;
using Aot.Runtime;

namespace Aot.LoadGen.Workloads;

/// <summary>
/// The size of the binary protocol's InferResponse frame for a runner's current outputs (docs/protocol.md):
/// 16-byte header, u16 count, then per output name (u16 + UTF-8), type, rank, dims, u64 length, data.
/// The echo floor answers with this many bytes.
/// </summary>
internal static class ResponseSize
{
    public static int OfFrame(ModelRunner runner)
    {
        int size = 16 + 2;
        for (int i = 0; i < runner.OutputCount; i++)
        {
            string name = runner.Model.Metadata.Outputs[i].Name;
            size += 2 + Encoding.UTF8.GetByteCount(name) + 1 + 1 + (8 * runner.GetOutputShape(i).Length) + 8 + runner.GetOutputBytes(i).Length;
        }

        return size;
    }
}
