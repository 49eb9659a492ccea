using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aot.Embeddings.Tests;
using Aot.Server.Tests.EndToEnd;
using Aot.Server.Tests.Infrastructure;

namespace Aot.Server.Tests.Deploy;

/// <summary>
/// The container images of deploy/ (docs/deploy.md), built by deploy/build-image.sh and run: the generic `aot`
/// image (from the native binary NativeAotPublish published) with MiniLM mounted, and the compiled-in MiniLM
/// embedding server (the script publishes deploy/minilm-server). Each answers /embed and a KServe V2 infer with
/// sentence-transformers' vectors, and exits 0 on SIGTERM.
/// </summary>
[Collection(NativeAotPublish.Collection)]
public sealed class ContainerImageTests(NativeAotPublish publish)
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_generic_image_is_at_most_60_MB_runs_as_non_root_and_has_no_shell()
    {
        ContainerImage image = await ContainerImage.BuildAsync("generic", Path.GetDirectoryName(publish.Executable));

        Assert.True(image.SizeBytes <= 60_000_000, $"the generic image is {image.SizeBytes / 1e6:F1} MB (at most 60 MB):\n{image.BuildLog}");
        Assert.Equal("65532:65532", await image.InspectAsync("{{.OCIv1.Config.User}}"));
        Assert.Equal("[/app/aot serve]", await image.InspectAsync("{{.OCIv1.Config.Entrypoint}}"));
        Assert.Contains("ORT_DISABLE_TELEMETRY=1", await image.InspectAsync("{{.OCIv1.Config.Env}}"));

        await using Container container = await image.CreateContainerAsync();
        (int shellExit, _, string shellError) = await container.RunAsync("/bin/sh", "-c", "true");
        Assert.True(shellExit != 0, "the image has a shell");
        Assert.Contains("/bin/sh", shellError);
        (int helpExit, string help, string helpError) = await container.RunAsync("/app/aot", "serve", "--help");
        Assert.True(helpExit == 0, $"aot serve --help failed in the image (a library missing from the closure?):\n{helpError}");
        Assert.Contains("--repository", help);
    }

    [Fact]
    public async Task The_generic_container_serves_mounted_minilm_like_the_reference_and_exits_cleanly_on_sigterm()
    {
        ContainerImage image = await ContainerImage.BuildAsync("generic", Path.GetDirectoryName(publish.Executable));
        string folder = Path.GetDirectoryName(TestModels.MiniLm)!;
        await using Container container = await image.CreateContainerAsync();
        await using ServerProcess server = await container.StartServerAsync(
            "/app/aot", ["--model", $"minilm=/models/minilm/{Path.GetFileName(TestModels.MiniLm)}"], $"{folder}:/models/minilm:ro");

        await AnswersLikeTheReferenceAsync(server);
        await StopsCleanlyAsync(server, "/app/aot");
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // container images are Linux; so are the file modes it sets
    public async Task Only_the_tls_build_of_the_generic_image_serves_https_and_the_other_says_how_to_get_it()
    {
        string certificates = Directory.CreateTempSubdirectory("aot-image-tls-").FullName;
        try
        {
            (string cert, string key, _) = TestCertificates.WriteSelfSigned(certificates);
            // The image runs as user 65532: it must be able to read the test's key (a real key would be a mounted secret).
            const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            File.SetUnixFileMode(certificates, Readable | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            File.SetUnixFileMode(cert, Readable);
            File.SetUnixFileMode(key, Readable);
            string tinyFolder = Path.GetDirectoryName(TestModels.Tiny)!;
            string[] arguments = ["--model", $"tiny=/models/tiny/{Path.GetFileName(TestModels.Tiny)}", "--tls-cert", "/certs/server.pem", "--tls-key", "/certs/server.key"];
            string[] volumes = [$"{tinyFolder}:/models/tiny:ro", $"{certificates}:/certs:ro"];

            ContainerImage plain = await ContainerImage.BuildAsync("generic", Path.GetDirectoryName(publish.Executable));
            await using (Container container = await plain.CreateContainerAsync())
            {
                (int exit, string stdout, string stderr) = await ToolRun.RunAsync("buildah",
                    [.. ContainerImage.Buildah, "run", "--isolation", "chroot", .. volumes.SelectMany(static v => new[] { "--volume", v }), container.Name, "--",
                     "/app/aot", "serve", "--http-port", "0", "--port", "0", "--grpc-port", "0", .. arguments], TimeSpan.FromMinutes(1));
                Assert.True(exit != 0, $"the image without OpenSSL started a TLS server:\n{stdout}{stderr}");
                Assert.Contains("TLS (--tls-cert) needs OpenSSL", stderr);
                Assert.Contains("deploy/build-image.sh --tls", stderr);
            }

            ContainerImage tls = await ContainerImage.BuildAsync("generic", Path.GetDirectoryName(publish.Executable), tls: true);
            Assert.True(tls.SizeBytes - plain.SizeBytes is > 1_000_000 and < 10_000_000, $"OpenSSL added {(tls.SizeBytes - plain.SizeBytes) / 1e6:F1} MB");
            await using (Container container = await tls.CreateContainerAsync())
            {
                await using ServerProcess server = await container.StartServerAsync("/app/aot", arguments, tls: true, volumes);
                Assert.Contains("ready: HTTPS on", server.Output);
                using HttpResponseMessage metadata = await server.Http.GetAsync("/v2/models/tiny");
                Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
                await StopsCleanlyAsync(server, "/app/aot");
            }
        }
        finally
        {
            Directory.Delete(certificates, recursive: true);
        }
    }

    [Fact]
    public async Task The_compiled_in_minilm_image_needs_no_model_volume_answers_like_the_reference_and_exits_cleanly_on_sigterm()
    {
        ContainerImage image = await ContainerImage.BuildAsync("minilm", published: null);
        Assert.Equal("[/app/minilm-server]", await image.InspectAsync("{{.OCIv1.Config.Entrypoint}}"));
        Assert.Equal("65532:65532", await image.InspectAsync("{{.OCIv1.Config.User}}"));

        await using Container container = await image.CreateContainerAsync();
        await using ServerProcess server = await container.StartServerAsync("/app/minilm-server", []);
        Assert.Contains("loaded compiled-in 'minilm' v1 from embedded", server.Output);
        Assert.Contains("text endpoints on (vocabulary /app/vocab.txt", server.Output);

        await AnswersLikeTheReferenceAsync(server);
        await StopsCleanlyAsync(server, "/app/minilm-server");
    }

    /// <summary>/v2/health/ready, then /embed and a KServe V2 infer per sentence, against sentence-transformers' vectors.</summary>
    private static async Task AnswersLikeTheReferenceAsync(ServerProcess server)
    {
        using (HttpResponseMessage ready = await server.Http.GetAsync("/v2/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        ReferenceSentence[] sentences = [.. ReferenceData.Load("minilm").Sentences.Where(static s => s.BertIds.Length is > 2 and <= 128).Take(3)];
        Assert.Equal(3, sentences.Length);
        foreach (ReferenceSentence sentence in sentences)
        {
            using HttpResponseMessage embed = await server.Http.PostAsync("/embed", new StringContent($$"""{"inputs":{{JsonSerializer.Serialize(sentence.Text)}}}"""));
            string body = await embed.Content.ReadAsStringAsync();
            Assert.True(embed.StatusCode == HttpStatusCode.OK, $"/embed: {(int)embed.StatusCode} {body}");
            VectorAssert.Close(sentence.BertVector, [.. JsonNode.Parse(body)![0]!.AsArray().Select(static v => (float)v!)], "/embed " + sentence.Text);

            float[] kserve = await KServeSentenceVectorAsync(server, sentence.BertIds);
            VectorAssert.Close(sentence.BertVector, kserve, "KServe infer " + sentence.Text);
        }
    }

    /// <summary>
    /// MiniLM through KServe V2: token ids in, last_hidden_state out, mean-pooled over the tokens and L2-normalised
    /// here as sentence-transformers does, so the answer compares with the reference vector.
    /// </summary>
    private static async Task<float[]> KServeSentenceVectorAsync(ServerProcess server, long[] ids)
    {
        string Tensor(string name, IEnumerable<long> values) =>
            $$"""{"name":"{{name}}","shape":[1,{{ids.Length}}],"datatype":"INT64","data":[{{string.Join(",", values)}}]}""";
        string request = $$"""{"inputs":[{{Tensor("input_ids", ids)}},{{Tensor("attention_mask", ids.Select(static _ => 1L))}},{{Tensor("token_type_ids", ids.Select(static _ => 0L))}}],"outputs":[{"name":"last_hidden_state"}]}""";
        using HttpResponseMessage response = await server.Http.PostAsync("/v2/models/minilm/infer", new StringContent(request));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"KServe infer: {(int)response.StatusCode} {body}");

        JsonNode output = JsonNode.Parse(body)!["outputs"]!.AsArray().Single(o => (string)o!["name"]! == "last_hidden_state")!;
        Assert.Equal($"[1,{ids.Length},384]", output["shape"]!.ToJsonString());
        float[] hidden = [.. output["data"]!.AsArray().Select(static v => (float)v!)];
        var pooled = new float[384];
        for (int token = 0; token < ids.Length; token++)
        {
            for (int i = 0; i < 384; i++)
            {
                pooled[i] += hidden[(token * 384) + i] / ids.Length;
            }
        }

        float norm = MathF.Sqrt(pooled.Sum(static v => v * v));
        return [.. pooled.Select(v => v / norm)];
    }

    /// <summary>SIGTERM to the server inside the container (as the kubelet sends it): the engine exits 0 after the server's "stopped".</summary>
    private static async Task StopsCleanlyAsync(ServerProcess server, string executable)
    {
        ServerProcess.Terminate(Container.FindServer(server.ProcessId, executable));
        Assert.Equal(0, await server.WaitForExitAsync(StopTimeout));
        Assert.Contains("aot: stopped", server.Output);
    }
}
