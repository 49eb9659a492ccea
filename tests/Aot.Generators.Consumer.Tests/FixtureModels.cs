namespace Aot.Generators.Consumer.Tests;

/// <summary>Paths of the committed fixture models, copied next to the tests.</summary>
internal static class FixtureModels
{
    public static string Path(string fileName) => System.IO.Path.Combine(AppContext.BaseDirectory, "Models", fileName);
}
