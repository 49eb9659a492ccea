using System.Diagnostics;
using System.Net;
using Aot.Client;
using Aot.Server.Tests.Infrastructure;

namespace Aot.Server.Tests.EndToEnd;

/// <summary>
/// Publishes `aot` with native AOT once per test run (1–2 minutes on 2 cores), for the tests below and the container
/// image tests (Deploy/ContainerImageTests), which share it through the collection <see cref="Collection"/>.
/// </summary>
public sealed class NativeAotPublish : IAsyncLifetime
{
    public const string Collection = "native aot publish";

    public string Executable { get; private set; } = "";

    public string PublishOutput { get; private set; } = "";

    public async Task InitializeAsync()
    {
        string output = Path.Combine(Path.GetTempPath(), $"aot-native-{Guid.NewGuid():N}");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in (string[])["publish", Path.Combine(RepoPaths.Root, "src", "Aot.Server", "Aot.Server.csproj"), "-c", "Release", "-r", "linux-x64", "-o", output, "-nologo"])
        {
            info.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        PublishOutput = await stdout + await stderr;
        Executable = Path.Combine(output, "aot");
        if (process.ExitCode != 0 || !File.Exists(Executable))
        {
            throw new InvalidOperationException($"dotnet publish failed ({process.ExitCode}):\n{PublishOutput}");
        }
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Path.GetDirectoryName(Executable)!, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }
}

/// <summary>One published `aot` for every class that needs the native binary.</summary>
[CollectionDefinition(NativeAotPublish.Collection)]
public sealed class NativeAotCollection : ICollectionFixture<NativeAotPublish>;

[Collection(NativeAotPublish.Collection)]
public sealed class NativeAotTests(NativeAotPublish publish)
{
    [Fact]
    public void Publishing_reports_no_trim_or_aot_warnings()
    {
        Assert.DoesNotMatch(@"warning IL\d{4}", publish.PublishOutput);
        Assert.True(new FileInfo(publish.Executable).Length > 1 << 20);
    }

    [Fact]
    public async Task The_native_binary_serves_both_protocols_and_stops_cleanly_on_sigterm()
    {
        ServerProcess server = await ServerProcess.StartAsync(publish.Executable, ["--model", $"tiny={TestModels.Tiny}"], unixSocket: true);
        await using (server)
        {
            string body = $$"""{"inputs":[{"name":"x","shape":[1,16],"datatype":"FP32","data":[{{string.Join(",", Enumerable.Range(0, 16))}}]}]}""";
            using HttpResponseMessage http = await server.Http.PostAsync("/v2/models/tiny/infer", new StringContent(body));
            Assert.Equal(HttpStatusCode.OK, http.StatusCode);
            using HttpResponseMessage predict = await server.Http.PostAsync("/v1/models/tiny:predict", new StringContent($$"""{"instances":[[{{string.Join(",", Enumerable.Range(0, 16))}}]]}"""));
            Assert.Equal(HttpStatusCode.OK, predict.StatusCode);

            await using AotClient client = await AotClient.ConnectUnixAsync(server.UnixSocket!);
            using InferResult result = await client.InferAsync("tiny", [InputTensor.Create("x", [1, 16], Enumerable.Range(0, 16).Select(i => (float)i).ToArray())]);
            Assert.Equal(16, result["y"].ToArray<float>().Length);
            Assert.Contains("aot_requests_total", await server.Http.GetStringAsync("/metrics"));

            Assert.Equal(0, await server.TerminateAsync(TimeSpan.FromSeconds(30)));
        }
    }

    [Fact]
    public async Task The_native_binary_embeds_text_equal_to_the_reference_without_ICU()
    {
        // The server is built with InvariantGlobalization: accents are stripped from the tokenizer's own NFD table.
        await using ServerProcess server = await ServerProcess.StartAsync(publish.Executable, ["--model", $"minilm={TestModels.MiniLm}"]);
        Aot.Embeddings.Tests.ReferenceData reference = Aot.Embeddings.Tests.ReferenceData.Load("minilm");
        foreach (string text in (string[])["hello world", "Café naïve résumé", "Über straße Ångström façade", "Tokyo 東京 is big"])
        {
            Aot.Embeddings.Tests.ReferenceSentence sentence = reference.Sentences.Single(s => s.Text == text);
            using HttpResponseMessage response = await server.Http.PostAsync("/embed", new StringContent($$"""{"inputs":{{System.Text.Json.JsonSerializer.Serialize(text)}}}"""));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            float[] vector = [.. System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())![0]!.AsArray().Select(v => (float)v!)];
            Assert.Equal(384, vector.Length);
            Aot.Embeddings.Tests.VectorAssert.Close(sentence.BertVector, vector, text);
        }
    }
}
