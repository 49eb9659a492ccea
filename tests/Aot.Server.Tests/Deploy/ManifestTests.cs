using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aot.Server.Hosting;
using Aot.Server.Tests.Infrastructure;

namespace Aot.Server.Tests.Deploy;

/// <summary>
/// deploy/check/check-manifests.mjs validates deploy/k8s and deploy/kserve (kubernetes-models; the KServe CRDs'
/// openAPIV3Schema from ../shared/specs/kserve); these tests run it, prove it fails on broken manifests, and check
/// what it reports (probe paths, ports, options, grace periods) against the server itself.
/// </summary>
public sealed partial class ManifestTests
{
    private static readonly string CheckDirectory = Path.Combine(RepoPaths.Root, "deploy", "check");

    [Fact]
    public async Task Every_manifest_validates()
    {
        (int exit, string stdout, string stderr) = await CheckAsync();
        Assert.True(exit == 0, $"check-manifests failed:\n{stderr}\n{stdout}");
        Assert.Contains("every manifest validates", stdout);
        Assert.Matches(@"deploy/k8s: \d+ objects", stdout);
        Assert.Matches(@"deploy/kserve: 2 objects", stdout);
    }

    [Fact]
    public async Task A_broken_manifest_fails_the_check_naming_the_file_object_and_field()
    {
        string root = Path.Combine(Path.GetTempPath(), $"aot-broken-manifests-{Guid.NewGuid():N}");
        try
        {
            string k8s = CopyFolder(Path.Combine(RepoPaths.Root, "deploy", "k8s"), Path.Combine(root, "k8s"));
            string kserve = CopyFolder(Path.Combine(RepoPaths.Root, "deploy", "kserve"), Path.Combine(root, "kserve"));
            Replace(Path.Combine(k8s, "deployment.yaml"), "replicas: 2", "replicas: two");
            Replace(Path.Combine(k8s, "service.yaml"), "targetPort: binary", "targetPort: binry");
            Replace(Path.Combine(kserve, "servingruntime.yaml"), "supportedModelFormats:", "supportedModelFormat:");
            Replace(Path.Combine(kserve, "inferenceservice.yaml"), "minReplicas: 1", "minReplicas: one");

            (int exit, _, string stderr) = await CheckAsync(k8s, kserve);

            Assert.Equal(1, exit);
            Assert.Contains("deployment.yaml: Deployment aot: /spec/replicas must be integer", stderr);
            Assert.Contains("service.yaml: Service aot: port binry is not a container port of the pods it selects", stderr);
            Assert.Contains("servingruntime.yaml: ServingRuntime aot-onnx: /spec must NOT have additional properties 'supportedModelFormat'", stderr);
            Assert.Contains("inferenceservice.yaml: InferenceService minilm: /spec/predictor/minReplicas must be integer", stderr);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Probe_paths_ports_options_and_grace_periods_in_the_manifests_are_the_servers()
    {
        string summaryFile = Path.Combine(Path.GetTempPath(), $"aot-manifest-summary-{Guid.NewGuid():N}.json");
        (int exit, string stdout, string stderr) = await CheckAsync("--summary", summaryFile);
        Assert.True(exit == 0, $"check-manifests failed:\n{stderr}\n{stdout}");
        using JsonDocument summary = JsonDocument.Parse(await File.ReadAllTextAsync(summaryFile));
        File.Delete(summaryFile);
        JsonElement[] containers = [.. summary.RootElement.EnumerateArray()];
        Assert.Contains(containers, static c => c.GetProperty("kind").GetString() == "Deployment");
        Assert.Contains(containers, static c => c.GetProperty("kind").GetString() == "ServingRuntime");

        var defaults = new ServerOptions();
        var serverPorts = new Dictionary<string, int>
        {
            ["http"] = defaults.HttpPort,
            ["binary"] = defaults.Port,
            // gRPC (--grpc-port, KServe V2 gRPC) lands on its own branch with 8002 as its default; until then the
            // manifests carry that planned default.
            ["grpc"] = typeof(ServerOptions).GetProperty("GrpcPort", BindingFlags.Public | BindingFlags.Instance)?.GetValue(defaults) as int? ?? 8002,
        };
        string help = (await ServerProcess.RunToExitAsync(RepoPaths.BuiltServer, "serve", "--help")).Output;

        await using ServerProcess server = await ServerProcess.StartAsync(RepoPaths.BuiltServer, ["--model", $"tiny={TestModels.Tiny}"]);
        foreach (JsonElement container in containers)
        {
            string where = $"{container.GetProperty("file").GetString()} ({container.GetProperty("kind").GetString()} {container.GetProperty("name").GetString()})";
            var ports = container.GetProperty("ports").EnumerateArray().ToDictionary(static p => p.GetProperty("name").GetString()!, static p => p.GetProperty("containerPort").GetInt32());
            Assert.Equal(serverPorts.Keys.Order(), ports.Keys.Order());
            foreach ((string name, int port) in ports)
            {
                Assert.True(serverPorts[name] == port, $"{where}: port {name} is {port}; the server's default is {serverPorts[name]}");
            }

            string[] args = [.. container.GetProperty("args").EnumerateArray().Select(static a => a.GetString()!)];
            foreach (string option in args.Where(static a => a.StartsWith("--", StringComparison.Ordinal)).Select(static a => a.Split('=')[0]))
            {
                Assert.True(help.Contains(option + " ", StringComparison.Ordinal), $"{where}: {option} is not an option of `aot serve`:\n{help}");
            }

            // A port given on the command line is the one the container declares.
            foreach ((string option, string name) in (ReadOnlySpan<(string, string)>)[("--http-port", "http"), ("--port", "binary"), ("--grpc-port", "grpc")])
            {
                string? value = args.FirstOrDefault(a => a.StartsWith(option + "=", StringComparison.Ordinal))?[(option.Length + 1)..];
                Assert.True(value is null || value == ports[name].ToString(System.Globalization.CultureInfo.InvariantCulture), $"{where}: {option}={value} but the container declares {name} {ports[name]}");
            }

            foreach (JsonElement probe in container.GetProperty("probes").EnumerateArray())
            {
                string path = probe.GetProperty("path").GetString()!;
                JsonElement port = probe.GetProperty("port");
                Assert.True(port.ValueKind == JsonValueKind.Number ? port.GetInt32() == defaults.HttpPort : port.GetString() == "http", $"{where}: {probe.GetProperty("probe")} is not on the HTTP port");
                using HttpResponseMessage response = await server.Http.GetAsync(path);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{where}: {probe.GetProperty("probe")} {path} answers {(int)response.StatusCode} on the server");
            }

            if (container.GetProperty("terminationGracePeriodSeconds") is { ValueKind: JsonValueKind.Number } grace)
            {
                int drain = args.Select(static a => DrainOption().Match(a)).FirstOrDefault(static m => m.Success) is { } m ? int.Parse(m.Groups[1].Value) : defaults.DrainTimeoutSeconds;
                int needed = container.GetProperty("preStopSleepSeconds").GetInt32() + drain;
                Assert.True(grace.GetInt32() > needed, $"{where}: terminationGracePeriodSeconds {grace.GetInt32()} is not longer than preStop + drain ({needed} s)");
            }
        }

        // The image declares the same ports (EXPOSE) as the manifests and the server.
        foreach (string containerfile in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "deploy"), "Containerfile*"))
        {
            string expose = File.ReadAllLines(containerfile).Single(static l => l.StartsWith("EXPOSE ", StringComparison.Ordinal));
            Assert.Equal($"EXPOSE {serverPorts["http"]} {serverPorts["binary"]} {serverPorts["grpc"]}", expose);
        }
    }

    [GeneratedRegex(@"^--drain-timeout-s=(\d+)$")]
    private static partial Regex DrainOption();

    private static async Task<(int ExitCode, string Stdout, string Stderr)> CheckAsync(params string[] arguments)
    {
        await NpmPackages.EnsureInstalledAsync(CheckDirectory);
        return await ToolRun.RunAsync("node", ["check-manifests.mjs", .. arguments], TimeSpan.FromMinutes(2), CheckDirectory);
    }

    private static string CopyFolder(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return to;
    }

    private static void Replace(string file, string from, string to)
    {
        string text = File.ReadAllText(file);
        Assert.Contains(from, text);
        File.WriteAllText(file, text.Replace(from, to, StringComparison.Ordinal));
    }
}
