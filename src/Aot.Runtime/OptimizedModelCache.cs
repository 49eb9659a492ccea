using System.Globalization;
using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;

namespace Aot.Runtime;

/// <summary>
/// Keeps ONNX Runtime's optimised form of a model next to a key describing what it was made from (source
/// identity, ORT version, optimisation level, device). A matching key means the optimised file can be loaded
/// with optimisation off; anything else means it is rebuilt.
/// </summary>
internal sealed class OptimizedModelCache
{
    private readonly string _cachePath;
    private readonly string _keyPath;
    private readonly string _expectedKey;

    private OptimizedModelCache(string cachePath, string expectedKey)
    {
        _cachePath = Path.GetFullPath(cachePath);
        _keyPath = _cachePath + ".key";
        _expectedKey = expectedKey;
    }

    public string CachePath => _cachePath;

    public static OptimizedModelCache ForFile(string cachePath, string modelPath, ModelOptions options, DeviceKind device)
    {
        var info = new FileInfo(modelPath);
        string identity = string.Create(CultureInfo.InvariantCulture, $"file:{info.FullName}|{info.Length}|{info.LastWriteTimeUtc.Ticks}");
        return new OptimizedModelCache(cachePath, MakeKey(identity, options, device));
    }

    public static OptimizedModelCache ForBytes(string cachePath, byte[] model, ModelOptions options, DeviceKind device)
    {
        string identity = "sha256:" + Convert.ToHexString(SHA256.HashData(model));
        return new OptimizedModelCache(cachePath, MakeKey(identity, options, device));
    }

    /// <summary>True when the optimised file exists and was built from the same source with the same settings.</summary>
    public bool IsValid()
    {
        try
        {
            return File.Exists(_cachePath) && File.Exists(_keyPath) && File.ReadAllText(_keyPath) == _expectedKey;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Prepares a fresh build: ORT writes the optimised model to <see cref="CachePath"/> during load.</summary>
    public void PrepareRebuild()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_cachePath)!);
        File.Delete(_keyPath);
    }

    /// <summary>Records that <see cref="CachePath"/> now holds the optimised model for the expected key.</summary>
    public void Commit()
    {
        string temp = _keyPath + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
        File.WriteAllText(temp, _expectedKey);
        File.Move(temp, _keyPath, overwrite: true);
    }

    private static string MakeKey(string identity, ModelOptions options, DeviceKind device) =>
        string.Create(CultureInfo.InvariantCulture, $"{identity}|ort:{OrtEnvironment.Shared.GetVersionString()}|opt:{options.Optimization}|device:{device}:{options.DeviceId}");
}
