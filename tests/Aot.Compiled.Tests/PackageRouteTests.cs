using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Aot.Client;
using Aot.Compiled.Tests.Infrastructure;
using Aot.Generators.Tests.Infrastructure;

namespace Aot.Compiled.Tests;

/// <summary>
/// The route of docs/compiled.md from packages, as a user outside this repository takes it: the packages packed into a
/// local feed (Aot.Runtime with the generator, Aot.Server.Hosting, Aot.Client.Typed and what they depend on); a server
/// project and a client project written from the documentation's own code blocks (read from docs/compiled.md, so the
/// page cannot drift from what is tested) next to a copy of all-MiniLM-L6-v2.onnx; the server published natively with
/// the documented command (no warnings, no CUDA provider in the output), started, and answering a KServe V2 request
/// and the typed client exactly as <c>aot serve</c> answers on the same model file. Slow (a pack, a native publish, a
/// build: about 5 minutes on 2 cores); filter it out locally with <c>--filter Category!=Slow</c>, never in CI.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PackageRouteTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task A_project_built_from_the_packages_as_documented_serves_MiniLM_like_aot_serve()
    {
        using LocalPackageFeed feed = LocalPackageFeed.Pack(s_timeout,
            "src/Aot.Runtime/Aot.Runtime.csproj", "src/Aot.Server.Hosting/Aot.Server.Hosting.csproj", "src/Aot.Client.Typed/Aot.Client.Typed.csproj");
        output.WriteLine("packed " + string.Join(", ", feed.PackageIds) + " " + feed.Version);
        Assert.Subset(feed.PackageIds.ToHashSet(), new HashSet<string> { "Aot.Runtime", "Aot.Server.Hosting", "Aot.Client", "Aot.Client.Typed" });

        string docs = File.ReadAllText(Path.Combine(LocalPackageFeed.RepositoryRoot, "docs", "compiled.md"));
        string server = WriteProject(feed, "minilm-server", CodeBlock(docs, "<!-- minilm-server.csproj -->"), CodeBlock(docs, "// Program.cs of minilm-server"));
        string clientProgram = CodeBlock(docs, "// Program.cs of minilm-client");
        Assert.Contains("[" + string.Join(", ", Tokens.Ids) + "]", clientProgram, StringComparison.Ordinal);
        string client = WriteProject(feed, "minilm-client", CodeBlock(docs, "<!-- minilm-client.csproj -->"), clientProgram);

        // The README's short version is the same project.
        string readme = File.ReadAllText(Path.Combine(LocalPackageFeed.RepositoryRoot, "README.md"));
        foreach (string line in CodeBlock(docs, "<!-- minilm-server.csproj -->").Split('\n').Where(l => l.Contains("<PackageReference", StringComparison.Ordinal) || l.Contains("<AdditionalFiles", StringComparison.Ordinal)))
        {
            Assert.Contains(Regex.Replace(line.Trim(), @"\s*<!--.*-->$", ""), readme, StringComparison.Ordinal);
        }

        Assert.Contains(CodeBlock(docs, "// Program.cs of minilm-server").Split('\n')[1].Trim(), readme, StringComparison.Ordinal);

        // dotnet publish -c Release -r linux-x64 -o out  (PublishAot is in the project)
        (int publishExit, string publishOutput) = DotNetCli.Run(server, s_timeout, "publish", "-c", "Release", "-r", "linux-x64", "-o", "out");
        Assert.True(publishExit == 0, "dotnet publish failed:\n" + publishOutput);
        string[] warnings = [.. Regex.Matches(publishOutput, @"warning [A-Z]+\d+[^\r\n]*").Select(m => m.Value).Distinct()];
        output.WriteLine($"publish: {warnings.Count(w => w.StartsWith("warning IL", StringComparison.Ordinal))} IL warnings, {warnings.Length} warnings in all");
        Assert.True(warnings.Length == 0, "publishing from the packages gave warnings:\n" + string.Join('\n', warnings));
        string executable = Path.Combine(server, "out", "minilm-server");
        Assert.True(File.Exists(executable), "no native executable in out/");
        Assert.True(File.Exists(Path.Combine(server, "out", "libonnxruntime.so")), "libonnxruntime.so is not next to the executable");
        Assert.False(File.Exists(Path.Combine(server, "out", "libonnxruntime_providers_cuda.so")), "the 284 MB CUDA provider was published without -p:AotIncludeCudaProvider=true");
        Assert.True(new FileInfo(executable).Length > 90L << 20, "MiniLM (90 MB) is not embedded in the executable");

        await using ServerProcess compiled = await ServerProcess.StartAsync(executable, []);
        await using ServerProcess runtime = await ServerProcess.StartAsync(RepoPaths.BuiltServer, ["--model", $"minilm={TestModels.MiniLm}"]);
        Assert.Contains("loaded compiled-in 'minilm' v1 from embedded all-MiniLM-L6-v2.onnx", compiled.Output, StringComparison.Ordinal);
        Assert.Contains("signature verified, compiled validation and batch filling", compiled.Output, StringComparison.Ordinal);

        // A KServe V2 request: the same JSON as from aot serve.
        string body = Tokens.KServeBody();
        (HttpStatusCode compiledStatus, string compiledAnswer) = await compiled.PostAsync("/v2/models/minilm/infer", body);
        (HttpStatusCode runtimeStatus, string runtimeAnswer) = await runtime.PostAsync("/v2/models/minilm/infer", body);
        Assert.Equal(HttpStatusCode.OK, runtimeStatus);
        Assert.Equal(HttpStatusCode.OK, compiledStatus);
        Assert.Equal(runtimeAnswer, compiledAnswer);

        // The typed client (dotnet run -- HOST PORT) against the compiled server: the same embedding as aot serve's.
        (int clientExit, string clientOutput) = DotNetCli.Run(client, s_timeout, "run", "-c", "Release", "--", "127.0.0.1", compiled.Port.ToString(CultureInfo.InvariantCulture));
        Assert.True(clientExit == 0, "the typed client failed:\n" + clientOutput);
        string embeddingLine = clientOutput.Split('\n').Select(l => l.Trim()).Last(l => l.Length > 0);
        float[] embedding = [.. embeddingLine.Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture))];

        await using AotClient generic = await AotClient.ConnectAsync("127.0.0.1", runtime.Port);
        using InferResult expected = await generic.InferAsync("minilm",
        [
            InputTensor.Create("input_ids", [1, Tokens.Ids.Length], Tokens.Ids),
            InputTensor.Create("attention_mask", [1, Tokens.Ids.Length], Tokens.Ids.Select(_ => 1L).ToArray()),
            InputTensor.Create("token_type_ids", [1, Tokens.Ids.Length], new long[Tokens.Ids.Length]),
        ]);
        Assert.Equal(expected["924"].ToArray<float>(), embedding);
    }

    /// <summary>The fenced code block of <paramref name="docs"/> whose first line starts with <paramref name="firstLine"/>.</summary>
    private static string CodeBlock(string docs, string firstLine)
    {
        Match block = Regex.Match(docs, @"^```[a-z]*\n(" + Regex.Escape(firstLine) + @".*?\n)```", RegexOptions.Singleline | RegexOptions.Multiline);
        Assert.True(block.Success, $"docs/compiled.md has no code block starting with '{firstLine}'");
        return block.Groups[1].Value;
    }

    /// <summary>A project directory outside the repository: nuget.config, the project (the documented version, the repository's 0.1.0, becomes the feed's), Program.cs and the model.</summary>
    private static string WriteProject(LocalPackageFeed feed, string name, string project, string program)
    {
        string directory = Path.Combine(feed.Root, name);
        Directory.CreateDirectory(directory);
        feed.WriteNuGetConfig(directory);
        Assert.Contains("Version=\"0.1.0\"", project, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(directory, name + ".csproj"), project.Replace("Version=\"0.1.0\"", $"Version=\"{feed.Version}\"", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(directory, "Program.cs"), program);
        File.Copy(TestModels.MiniLm, Path.Combine(directory, "all-MiniLM-L6-v2.onnx"));
        return directory;
    }
}
