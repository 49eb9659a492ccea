using Aot.Models.Onnx;
using Aot.Protocol;
using Aot.Server.Tests.Infrastructure;

namespace Aot.Server.Tests.EndToEnd;

/// <summary>
/// One `aot serve` process (the regular build) shared by the protocol tests: tiny, bert-tiny, an identity model per
/// element type (strings included), odd-names and many-io; TCP and Unix socket; a 2 ms batching delay so concurrent requests batch.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    internal ServerProcess Server { get; private set; } = null!;

    public static string IdentityModel(ElementType type) => "id-" + type.ToString().ToLowerInvariant();

    public async Task InitializeAsync()
    {
        var args = new List<string>
        {
            "--model", $"tiny={TestModels.Tiny}",
            "--model", $"bert={TestModels.BertTiny}",
            "--model", $"odd={TestModels.OddNames}",
            "--model", $"many={TestModels.ManyInputsOutputs}",
            "--max-delay-us", "2000",
            "--max-payload-bytes", (1 << 20).ToString(),
            "--pad-sequences",
            "--model", $"id-string={TestModels.Identity(ElementType.String)}",
        };
        foreach (ElementType type in TestModels.NumericIdentityTypes)
        {
            args.AddRange(["--model", $"{IdentityModel(type)}={TestModels.Identity(type)}"]);
        }

        Server = await ServerProcess.StartAsync(RepoPaths.BuiltServer, args, unixSocket: true);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
