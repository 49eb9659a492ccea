using Aot.Embeddings.Tests;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aot.Embeddings;
using Aot.Models;
using Aot.Runtime;
using Aot.Server.Tests.Infrastructure;

namespace Aot.Quantization.Tests;

/// <summary>
/// The real all-MiniLM-L6-v2, quantized once by the real <c>aot quantize</c> for the whole class, in the configuration
/// docs/quantization.md recommends: dynamic int8 with the feed-forward output projections of the first two layers
/// (the most sensitive MatMuls: their GELU inputs have the widest ranges) kept in fp32.
/// </summary>
public sealed class QuantizedMiniLmFixture : IDisposable
{
    public QuantizedMiniLmFixture()
    {
        Original = ModelStore.GetPath("minilm");
        Folder = Path.Combine(Path.GetTempPath(), "aot-quant-minilm-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        Quantized = Path.Combine(Folder, "minilm-int8.onnx");
        File.Copy(ModelStore.GetPath("minilm", "vocab.txt"), Path.Combine(Folder, "vocab.txt"));
        (int code, string output) = ServerProcess.RunToExitAsync(RepoPaths.BuiltServer, "quantize", Original, "-o", Quantized, "--mode", "dynamic", "--exclude", SensitiveNodes, "--no-report").GetAwaiter().GetResult();
        Assert.True(code == 0, output);
    }

    /// <summary>Layer 0 and 1 FFN output MatMuls of this export (docs/quantization.md shows how they were found).</summary>
    public const string SensitiveNodes = "MatMul_122,MatMul_224";

    public string Original { get; }

    public string Quantized { get; }

    public string Folder { get; }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

public sealed class MiniLmTests(QuantizedMiniLmFixture minilm) : IClassFixture<QuantizedMiniLmFixture>
{
    [Fact]
    public void The_quantized_model_has_the_fp32_signature_and_is_under_a_third_of_its_size()
    {
        var options = new ModelOptions { Optimization = GraphOptimization.None, IntraOpThreads = 1 };
        using OnnxModel fp32 = OnnxModel.Load(minilm.Original, options);
        using OnnxModel int8 = OnnxModel.Load(minilm.Quantized, options);

        static string Describe(IEnumerable<TensorInfo> tensors) => string.Join("; ", tensors.Select(static t => t.ToString()));
        Assert.Equal(Describe(fp32.Metadata.Inputs), Describe(int8.Metadata.Inputs));
        Assert.Equal(Describe(fp32.Metadata.Outputs), Describe(int8.Metadata.Outputs));
        Assert.True(new FileInfo(minilm.Quantized).Length <= 0.3 * new FileInfo(minilm.Original).Length);
        Assert.Contains("aot.quantization.nodes", int8.Metadata.Custom.Keys);
    }

    [Fact]
    public void Sentence_vectors_agree_with_fp32()
    {
        IReadOnlyList<string> sentences = Sentences.All();
        Assert.True(sentences.Count >= 100);
        using EmbeddingModel fp32 = EmbeddingModel.Load(minilm.Original);
        using EmbeddingModel int8 = EmbeddingModel.Load(minilm.Quantized);
        var options = new EmbedOptions { Truncate = true };

        double[] cosines = [.. sentences.Select(s => VectorAssert.Cosine(fp32.Embed(s, options), int8.Embed(s, options)))];

        Assert.True(cosines.Average() >= 0.99, $"mean cosine {cosines.Average():F4}");
        Assert.True(cosines.Min() >= 0.98, $"min cosine {cosines.Min():F4} for '{sentences[Array.IndexOf(cosines, cosines.Min())]}'");
    }

    [Fact]
    public void The_onnx_checker_accepts_the_file()
    {
        // Debian's python3-onnx lives beside the system interpreter (.ci/run installs it).
        string python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var info = new ProcessStartInfo(python) { RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("import sys, onnx; onnx.checker.check_model(sys.argv[1]); print('ok')");
        info.ArgumentList.Add(minilm.Quantized);
        using Process process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, output);
    }

    [Fact]
    public async Task The_server_serves_embed_from_the_quantized_file()
    {
        await using ServerProcess server = await ServerProcess.StartAsync(RepoPaths.BuiltServer, ["--model", $"minilm={minilm.Quantized}"]);

        using HttpResponseMessage response = await server.Http.PostAsync("/embed", JsonContent.Create(new JsonObject { ["inputs"] = new JsonArray("hello world", "quantized models are smaller") }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonArray vectors = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        Assert.Equal(2, vectors.Count);
        Assert.Equal(384, vectors[0]!.AsArray().Count);
        // Not bit-equal to an in-process run: the server pads texts to a fixed length, and dynamic quantization takes
        // its activation range over the whole tensor, padding included. Close to fp32 all the same.
        using EmbeddingModel fp32 = EmbeddingModel.Load(minilm.Original);
        float[] served = [.. vectors[0]!.AsArray().Select(static v => v!.GetValue<float>())];
        double cosine = VectorAssert.Cosine(fp32.Embed("hello world"), served);
        Assert.True(cosine >= 0.98, $"cosine {cosine:F4}");
    }

    [Fact]
    public async Task The_cli_reports_bad_input_as_one_error_line_and_exit_code_1()
    {
        string missing = Path.Combine(minilm.Folder, "missing.onnx");
        (int code, string output) = await ServerProcess.RunToExitAsync(RepoPaths.BuiltServer, "quantize", missing, "-o", Path.Combine(minilm.Folder, "out.onnx"));
        Assert.Equal(1, code);
        Assert.Equal($"aot: error: '{missing}' does not exist (expected an .onnx model file).", output.Trim());

        (code, output) = await ServerProcess.RunToExitAsync(RepoPaths.BuiltServer, "quantize", minilm.Quantized, "-o", Path.Combine(minilm.Folder, "again.onnx"));
        Assert.Equal(1, code);
        Assert.StartsWith("aot: error: ", output, StringComparison.Ordinal);
        Assert.Contains("is already quantized", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(minilm.Folder, "again.onnx")));
    }
}
