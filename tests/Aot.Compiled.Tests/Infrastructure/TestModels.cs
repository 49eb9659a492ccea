using Aot.Models;

namespace Aot.Compiled.Tests.Infrastructure;

/// <summary>Model files from the shared model store (fetched or generated once, then cached).</summary>
internal static class TestModels
{
    public static string MiniLm => ModelStore.GetPath("minilm");

    public static string Tiny => ModelStore.GetPath("tiny");

    public static string BertTiny => ModelStore.GetPath("bert-tiny");
}
