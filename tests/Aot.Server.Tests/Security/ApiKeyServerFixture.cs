using Aot.Server.Tests.Infrastructure;

namespace Aot.Server.Tests.Security;

/// <summary>
/// One `aot serve` process with API keys: two in <c>--api-key-file</c> (old and new, as during a rotation, with a
/// comment and a blank line the file may hold) and one in <c>AOT_API_KEY</c>; tiny (tensors) and MiniLM (text, so the
/// TEI and OpenAI routes exist); binary protocol on TCP and a Unix socket.
/// </summary>
public sealed class ApiKeyServerFixture : IAsyncLifetime
{
    public const string OldKey = "old-key-7f3a9c1e5b";
    public const string NewKey = "new-key-2d8e4f6a0c";
    public const string EnvironmentKey = "env-key-91b5c3d7e2";

    /// <summary>Every key the server holds: none of them may ever appear in its output.</summary>
    public static readonly string[] AllKeys = [OldKey, NewKey, EnvironmentKey];

    private readonly string _folder = Directory.CreateTempSubdirectory("aot-keys-").FullName;

    internal ServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        string keyFile = Path.Combine(_folder, "keys");
        await File.WriteAllTextAsync(keyFile, $"# rotation: the new key first, the old one until every client has moved\n{NewKey}\n\n  {OldKey}  \n");
        Server = await ServerProcess.StartAsync(RepoPaths.BuiltServer,
            ["--model", $"tiny={TestModels.Tiny}", "--model", $"minilm={TestModels.MiniLm}", "--api-key-file", keyFile],
            unixSocket: true, environment: new Dictionary<string, string> { ["AOT_API_KEY"] = EnvironmentKey });
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
