using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Aot.Models.Fetching;

/// <summary>
/// Reads embedded manifest resources straight from a .NET assembly file with System.Reflection.Metadata, without
/// loading the assembly (no code from the package runs, and no 90 MB assembly stays mapped in the process).
/// </summary>
internal static class ManifestResourceReader
{
    /// <summary>Names of the resources embedded in the assembly (not linked or in other modules).</summary>
    public static IReadOnlyList<string> GetNames(string assemblyPath) =>
        [.. ReadTable(assemblyPath).Select(resource => resource.Name)];

    /// <summary>Copies resource <paramref name="resourceName"/> to <paramref name="destinationPath"/>.</summary>
    public static void Extract(string assemblyPath, string resourceName, string destinationPath, ProgressLog log)
    {
        var resource = ReadTable(assemblyPath).FirstOrDefault(r => r.Name == resourceName)
            ?? throw new InvalidDataException($"'{assemblyPath}' has no embedded resource '{resourceName}' (it has: {string.Join(", ", GetNames(assemblyPath))}).");

        using var assembly = File.OpenRead(assemblyPath);
        // Each embedded resource is stored as a 4-byte little-endian length followed by the bytes (ECMA-335 II.24.2.4).
        assembly.Position = resource.FileOffset;
        Span<byte> lengthPrefix = stackalloc byte[sizeof(int)];
        assembly.ReadExactly(lengthPrefix);
        var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(lengthPrefix);
        if (length < 0 || resource.FileOffset + sizeof(int) + length > assembly.Length)
            throw new InvalidDataException($"Resource '{resourceName}' of '{assemblyPath}' has an invalid length {length}.");

        using var destination = new FileStream(destinationPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        log.Copy(assembly, destination, length, $"extracting {resourceName}");
    }

    private static List<EmbeddedResource> ReadTable(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata || pe.PEHeaders.CorHeader is not { } corHeader)
            throw new BadImageFormatException($"'{assemblyPath}' is not a .NET assembly.");
        if (!pe.PEHeaders.TryGetDirectoryOffset(corHeader.ResourcesDirectory, out var resourcesOffset))
            return [];

        var metadata = pe.GetMetadataReader();
        var resources = new List<EmbeddedResource>();
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            // A nil implementation means "in this file"; others point at linked files or other assemblies.
            if (resource.Implementation.IsNil)
                resources.Add(new EmbeddedResource(metadata.GetString(resource.Name), resourcesOffset + resource.Offset));
        }
        return resources;
    }

    private sealed record EmbeddedResource(string Name, long FileOffset);
}
