using System.Security.Cryptography;
using Aot.Models.Fetching;

namespace Aot.Models.Tests;

/// <summary>Caching rules with fake sources in a private cache root: verify, reuse, re-fetch, fail clearly, share across "processes".</summary>
public sealed class ModelCacheTests : IDisposable
{
    private static readonly byte[] Content = "model bytes"u8.ToArray();
    private static readonly string ContentSha256 = Convert.ToHexStringLower(SHA256.HashData(Content));
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("aot-models-cache-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void Fetched_file_is_verified_then_reused_by_a_later_process()
    {
        var source = new FakeSource(Content);
        var model = Fetched(source);

        var path = new ModelCache(_root.FullName).GetPath(model);
        Assert.Equal(Path.Combine(_root.FullName, "fake", "fake.onnx"), path);
        Assert.Equal(Content, File.ReadAllBytes(path));

        // A new ModelCache stands for a new process: it re-hashes, finds the file right, and does not fetch.
        Assert.Equal(path, new ModelCache(_root.FullName).GetPath(model));
        Assert.Equal(1, source.Calls);
        AssertNoStagingLeft();
    }

    [Fact]
    public void Cached_file_with_a_wrong_hash_is_fetched_again()
    {
        var source = new FakeSource(Content);
        var model = Fetched(source);
        var path = new ModelCache(_root.FullName).GetPath(model);
        File.WriteAllText(path, "tampered");

        Assert.Equal(Content, File.ReadAllBytes(new ModelCache(_root.FullName).GetPath(model)));
        Assert.Equal(2, source.Calls);
    }

    [Fact]
    public void Wrong_hash_after_fetching_again_names_file_expected_and_actual()
    {
        var bad = "not the model"u8.ToArray();
        var model = Fetched(new FakeSource(bad));

        var error = Assert.Throws<ModelHashMismatchException>(() => new ModelCache(_root.FullName).GetPath(model));
        Assert.Contains("fake.onnx", error.Message);
        Assert.Contains(ContentSha256, error.Message);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(bad)), error.Message);
        Assert.Equal(ContentSha256, error.ExpectedSha256);
        Assert.False(File.Exists(Path.Combine(_root.FullName, "fake", "fake.onnx")), "a bad file must never enter the cache");
        AssertNoStagingLeft();
    }

    [Fact]
    public void Concurrent_processes_fetch_once()
    {
        var source = new FakeSource(Content, delay: TimeSpan.FromMilliseconds(300));
        var model = Fetched(source);

        // Separate ModelCache instances share no memory, only the file system, like separate processes.
        var paths = Enumerable.Range(0, 6).AsParallel().WithDegreeOfParallelism(6)
            .Select(_ => new ModelCache(_root.FullName).GetPath(model)).ToList();

        Assert.Single(paths.Distinct());
        Assert.Equal(1, source.Calls);
    }

    [Fact]
    public void Concurrent_processes_generate_once_into_a_recipe_directory()
    {
        var calls = 0;
        var model = ModelInfo.Generated("gen", ModelKind.Generated, "test", ["gen.onnx"], new ModelGenerator("gen v1", directory =>
        {
            Interlocked.Increment(ref calls);
            Thread.Sleep(300);
            File.WriteAllBytes(Path.Combine(directory, "gen.onnx"), Content);
        }));

        var paths = Enumerable.Range(0, 6).AsParallel().WithDegreeOfParallelism(6)
            .Select(_ => new ModelCache(_root.FullName).GetPath(model)).ToList();

        Assert.Single(paths.Distinct());
        Assert.Equal(1, calls);
        Assert.Equal(Path.Combine(_root.FullName, "gen"), Path.GetDirectoryName(Path.GetDirectoryName(paths[0])));
        AssertNoStagingLeft();
    }

    [Fact]
    public void Different_recipes_get_different_directories()
    {
        var cache = new ModelCache(_root.FullName);
        var a = cache.DirectoryOf(SyntheticModels.Tiny(new() { Seed = 1 }));
        var b = cache.DirectoryOf(SyntheticModels.Tiny(new() { Seed = 2 }));
        Assert.NotEqual(a, b);
        Assert.Equal(a, cache.DirectoryOf(SyntheticModels.Tiny(new() { Seed = 1 })));
    }

    [Fact]
    public void Fixtures_live_under_the_fixtures_folder()
    {
        var cache = new ModelCache(_root.FullName);
        var path = cache.GetPath("identity-int32");
        Assert.StartsWith(Path.Combine(_root.FullName, "fixtures", "identity-int32") + Path.DirectorySeparatorChar, path);
        Assert.EndsWith("identity-int32.onnx", path);
    }

    [Fact]
    public void Root_comes_from_AOT_MODEL_CACHE_then_XDG_CACHE_HOME_then_home()
    {
        Assert.Equal("/custom", ModelCache.ResolveRoot(name => name == "AOT_MODEL_CACHE" ? "/custom" : "/xdg", "/home/u"));
        Assert.Equal("/xdg/aot/models", ModelCache.ResolveRoot(name => name == "XDG_CACHE_HOME" ? "/xdg" : null, "/home/u"));
        Assert.Equal("/home/u/.cache/aot/models", ModelCache.ResolveRoot(_ => "", "/home/u"));
    }

    [Fact]
    public void Unknown_names_and_files_are_clear_errors()
    {
        var cache = new ModelCache(_root.FullName);
        var unknown = Assert.Throws<KeyNotFoundException>(() => cache.GetPath("no-such-model"));
        Assert.Contains("minilm", unknown.Message);
        Assert.Contains("vocab.txt", Assert.Throws<ArgumentException>(() => cache.GetPath("minilm", "missing.txt")).Message);
    }

    [Fact]
    public void Catalog_names_are_unique_and_every_fetched_file_is_pinned()
    {
        Assert.Equal(ModelStore.Names.Count, ModelStore.Names.Distinct().Count());
        Assert.All(ModelStore.Models.Where(m => m.Kind == ModelKind.Fetched).SelectMany(m => m.Files),
            file => Assert.Matches("^[0-9a-f]{64}$", file.Sha256!));
        Assert.Equal(["minilm", "arctic-xs", "silero-vad", "ppocr-det", "tiny", "resnet50", "bert", "bert-tiny", "bert-tiny-classifier", "lstm"],
            ModelStore.Models.Where(m => m.Kind != ModelKind.Fixture).Select(m => m.Name));
    }

    private static ModelInfo Fetched(FakeSource source) =>
        ModelInfo.Fetched("fake", "test", source, [new ModelFile("fake.onnx", ContentSha256, Content.Length)]);

    private void AssertNoStagingLeft() =>
        Assert.Empty(_root.EnumerateDirectories(".staging-*", SearchOption.AllDirectories));

    private sealed class FakeSource(byte[] bytes, TimeSpan delay = default) : IPackageSource
    {
        private int _calls;

        public int Calls => _calls;

        public string Description => "fake package";

        public IReadOnlyCollection<string> FileNames => ["fake.onnx"];

        public void Extract(string directory, ProgressLog log)
        {
            Interlocked.Increment(ref _calls);
            Thread.Sleep(delay);
            File.WriteAllBytes(Path.Combine(directory, "fake.onnx"), bytes);
        }
    }
}
