using Aot.Models.Onnx;
using Aot.Protocol;

namespace Aot.Server.Tests.Lifecycle;

/// <summary>
/// A model repository in a temporary folder whose versions answer differently: version v of model <c>add</c> is
/// <c>y = x + v</c> (float [batch, 4]), so a response says which version computed it. Versions are dropped in the way
/// docs/models.md tells users to: written aside, then moved into place in one rename.
/// </summary>
internal sealed class VersionedRepository : IDisposable
{
    public const string Model = "add";

    public VersionedRepository()
    {
        Directory.CreateDirectory(Path.Combine(Root, Model));
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"aot-lifecycle-{Guid.NewGuid():N}");

    /// <summary><c>y = x + <paramref name="addend"/></c> with x and y of shape [batch, <paramref name="width"/>].</summary>
    public static byte[] AddModel(float addend, int width = 4) => OnnxWriter.ToBytes(new OnnxModel(new OnnxGraph($"add_{addend}")
    {
        Nodes = [new OnnxNode("Add", ["x", "addend"], ["y"]) { Name = "add" }],
        Initializers = [OnnxTensor.FromFloats("addend", [width], [.. Enumerable.Repeat(addend, width)])],
        Inputs = [OnnxValueInfo.Tensor("x", ElementType.Float, "batch", width)],
        Outputs = [OnnxValueInfo.Tensor("y", ElementType.Float, "batch", width)],
    }));

    /// <summary>Drops version <paramref name="version"/> (answering x + version unless <paramref name="bytes"/> say otherwise) into the repository.</summary>
    public void Drop(long version, byte[]? bytes = null)
    {
        string staging = Path.Combine(Root, $".staging-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        File.WriteAllBytes(Path.Combine(staging, "model.onnx"), bytes ?? AddModel(version));
        Directory.Move(staging, VersionFolder(version));
    }

    public void Remove(long version) => Directory.Delete(VersionFolder(version), recursive: true);

    public string VersionFolder(long version) => Path.Combine(Root, Model, version.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
