using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Aot.Generators.Tests.Infrastructure;

/// <summary>
/// Snapshot checks: the actual text must equal <c>Baselines/NAME.verified.cs</c>. On a difference the test fails and
/// writes <c>NAME.received.cs</c> next to it; review the diff, then rename it over the verified file to accept it.
/// </summary>
internal static partial class Baseline
{
    public static void Verify(string name, string actual, [CallerFilePath] string callerFile = "")
    {
        string directory = Path.Combine(FindProjectDirectory(callerFile), "Baselines");
        string verifiedPath = Path.Combine(directory, name + ".verified.cs");
        string receivedPath = Path.Combine(directory, name + ".received.cs");

        // The generator's version is in [GeneratedCode]; keep it out of the baselines so a version bump is not a diff.
        actual = GeneratedCodeVersion().Replace(actual, "GeneratedCode(\"Aot.Generators\", \"{version}\")");
        string? expected = File.Exists(verifiedPath) ? File.ReadAllText(verifiedPath).ReplaceLineEndings("\n") : null;
        if (expected == actual)
        {
            File.Delete(receivedPath);
            return;
        }

        Directory.CreateDirectory(directory);
        File.WriteAllText(receivedPath, actual);
        Assert.Fail(expected is null
            ? $"No baseline {verifiedPath}. Review {receivedPath} and rename it to accept it."
            : $"The output differs from {verifiedPath}. Review the diff with {receivedPath} and rename it to accept it.\n{FirstDifference(expected, actual)}");
    }

    private static string FindProjectDirectory(string callerFile)
    {
        for (string? directory = Path.GetDirectoryName(callerFile); directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (File.Exists(Path.Combine(directory, "Aot.Generators.Tests.csproj")))
            {
                return directory;
            }
        }

        throw new InvalidOperationException("Cannot find the test project from " + callerFile);
    }

    private static string FirstDifference(string expected, string actual)
    {
        string[] e = expected.Split('\n'), a = actual.Split('\n');
        for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            string? left = i < e.Length ? e[i] : null, right = i < a.Length ? a[i] : null;
            if (left != right)
            {
                return $"First difference at line {i + 1}:\n  expected: {left ?? "<end>"}\n  actual:   {right ?? "<end>"}";
            }
        }

        return "";
    }

    [GeneratedRegex("GeneratedCode\\(\"Aot\\.Generators\", \"[^\"]*\"\\)")]
    private static partial Regex GeneratedCodeVersion();
}
