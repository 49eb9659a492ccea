namespace Aot.Generators.Model;

/// <summary>A class name that more than one model would generate, with the models that claim it.</summary>
internal sealed record DuplicateClass(string FullName, EquatableArray<string> ModelPaths);
