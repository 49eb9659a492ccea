using System.Runtime.CompilerServices;
using Aot.Generators.Tests.Onnx;

namespace Aot.Generators.Tests;

/// <summary>The consumer project's committed fixture models equal their recipes (rewritten on a difference, like baselines).</summary>
public sealed class ConsumerFixtureTests
{
    public static TheoryData<string> Names => new(ConsumerFixtures.All.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Fixture_is_up_to_date(string fileName)
    {
        string path = Path.Combine(ConsumerModelsDirectory(), fileName);
        byte[] expected = ConsumerFixtures.All[fileName].ToArray();
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(expected))
        {
            return;
        }

        File.WriteAllBytes(path, expected);
        Assert.Fail($"{path} was missing or stale and has been rewritten; rebuild the consumer tests and commit it.");
    }

    private static string ConsumerModelsDirectory([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "Aot.Generators.Consumer.Tests", "Models"));
}
