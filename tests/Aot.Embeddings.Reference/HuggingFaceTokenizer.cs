using System.Diagnostics;
using System.Text.Json;

/// <summary>Runs hf-tokenize.mjs (Hugging Face tokenizers through Node) and reads back the ids.</summary>
internal static class HuggingFaceTokenizer
{
    public static string PackageVersion =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "node_modules", "tokenizers", "package.json")))
            .RootElement.GetProperty("version").GetString()!;

    private static string Folder => Path.Combine(AppContext.BaseDirectory, "..", "..", "..");

    public static int[][] Encode(string vocabularyPath, string[] sentences)
    {
        var start = new ProcessStartInfo("node", [Path.Combine(Folder, "hf-tokenize.mjs"), vocabularyPath])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Folder,
        };
        using Process node = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        node.StandardInput.Write(JsonSerializer.Serialize(sentences));
        node.StandardInput.Close();
        string output = node.StandardOutput.ReadToEnd();
        node.WaitForExit();
        if (node.ExitCode != 0)
        {
            throw new InvalidOperationException($"hf-tokenize.mjs exited with {node.ExitCode} (run 'npm ci --prefix tests/Aot.Embeddings.Reference' first)");
        }

        using JsonDocument document = JsonDocument.Parse(output);
        return [.. document.RootElement.EnumerateArray().Select(e => e.GetProperty("ids").EnumerateArray().Select(id => id.GetInt32()).ToArray())];
    }
}
