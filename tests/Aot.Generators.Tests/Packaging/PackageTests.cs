using Aot.Generators.Tests.Infrastructure;
using Aot.Generators.Tests.Onnx;

namespace Aot.Generators.Tests.Packaging;

/// <summary>
/// The Aot.Runtime package as a user gets it: packed into a local feed, referenced by a fresh project outside this
/// repository with one PackageReference and an .onnx AdditionalFile, restored, built and run. Slow (a pack, a
/// restore, two builds); filter it out locally with <c>--filter Category!=Slow</c>, never in CI. The compiled-in server's
/// route from packages (tests/Aot.Compiled.Tests, PackageRouteTests) uses the same feed.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PackageTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(8);

    [Fact]
    public void One_PackageReference_turns_an_onnx_file_into_a_typed_class()
    {
        using LocalPackageFeed feed = LocalPackageFeed.Pack(s_timeout, "src/Aot.Runtime/Aot.Runtime.csproj");
        Assert.Equal(["Aot.Protocol", "Aot.Runtime"], feed.PackageIds); // the user references Aot.Runtime alone; Aot.Protocol comes with it

        string project = Path.Combine(feed.Root, "consumer");
        Directory.CreateDirectory(Path.Combine(project, "models"));
        ConsumerFixtures.All["odd-names.onnx"].WriteTo(Path.Combine(project, "models", "odd names.onnx"));
        feed.WriteNuGetConfig(project);
        File.WriteAllText(Path.Combine(project, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <GenerateDocumentationFile>true</GenerateDocumentationFile>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Aot.Runtime" Version="{feed.Version}" />
                <AdditionalFiles Include="models/*.onnx" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(project, "Program.cs"), """
            /// <summary>Averages two rows with the generated class.</summary>
            internal static class Program
            {
                private static void Main()
                {
                    using var model = new Consumer.OddNames(System.IO.Path.Combine(System.AppContext.BaseDirectory, "odd names.onnx"));
                    new float[] { 1, 5, 3 }.AsSpan().CopyTo(model.Input0(batch: 1));
                    new float[] { 3, 1, 1 }.AsSpan().CopyTo(model.Input2ndInput(batch: 1));
                    model.Run();
                    System.Console.WriteLine("half out: " + string.Join(",", model.HalfOut.ToArray()) + "; class: " + model.Class[0]);
                }
            }
            """);

        (int buildExit, string buildOutput) = DotNetCli.Run(project, s_timeout, "build", "-c", "Release", "-o", Path.Combine(project, "out"));
        Assert.True(buildExit == 0, buildOutput);
        Assert.Contains("0 Warning(s)", buildOutput, StringComparison.Ordinal);
        File.Copy(Path.Combine(project, "models", "odd names.onnx"), Path.Combine(project, "out", "odd names.onnx"));

        (int runExit, string runOutput) = DotNetCli.Run(project, s_timeout, Path.Combine(project, "out", "Consumer.dll"));
        Assert.True(runExit == 0, runOutput);
        Assert.Contains("half out: 2,3,2; class: 1", runOutput, StringComparison.Ordinal);

        // The same project with a truncated model: a build error naming it, never a task or generator crash.
        byte[] model = ConsumerFixtures.All["odd-names.onnx"].ToArray();
        string truncated = Path.Combine(project, "models", "truncated.onnx");
        File.WriteAllBytes(truncated, model[..(model.Length / 2)]);

        (int brokenExit, string brokenOutput) = DotNetCli.Run(project, s_timeout, "build", "-c", "Release", "-o", Path.Combine(project, "out"));
        Assert.NotEqual(0, brokenExit);
        Assert.Contains($"{truncated}(1,1): error AOT0001: The ONNX model '{truncated}' could not be read: truncated or corrupt", brokenOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("MSB4018", brokenOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("AD0001", brokenOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("CS8785", brokenOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("CS2015", brokenOutput, StringComparison.Ordinal);
    }
}
