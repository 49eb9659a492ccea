namespace Aot.LoadGen.Systems;

/// <summary>Where the harness finds the programs it starts (filled in by bench/run.sh through options).</summary>
/// <param name="AotServer">The `aot` executable.</param>
/// <param name="AspNetPeer">The ASP.NET Core + ORT peer's executable.</param>
/// <param name="NodeModules">The cache folder holding the Node peer's installed node_modules (null: no Node peer).</param>
/// <param name="PeersDirectory">bench/peers.</param>
/// <param name="Python">The Python interpreter with torch, fastapi, uvicorn and onnx (null: no PyTorch peer).</param>
/// <param name="Int8Directory">The folder holding the int8 models (<see cref="Int8Models"/>; null: no int8 rows).</param>
internal sealed record BenchPaths(string AotServer, string AspNetPeer, string? NodeModules, string PeersDirectory, string? Python, string? Int8Directory = null)
{
    /// <summary>This harness's own executable (it serves the echo floor).</summary>
    public static (string Executable, string[] Prefix) Self
    {
        get
        {
            string process = Environment.ProcessPath ?? "dotnet";
            return Path.GetFileNameWithoutExtension(process) == "dotnet"
                ? (process, [typeof(BenchPaths).Assembly.Location])
                : (process, []);
        }
    }
}
