namespace Aot.Generators.Model;

/// <summary>The little the generator needs from the compilation, as a value so that edits leave it Unchanged.</summary>
/// <param name="HasRuntime">Whether <c>Aot.Runtime.ModelRunner</c> is visible (the generated code calls it).</param>
/// <param name="LanguageVersion">The C# version, as displayed (e.g. <c>10.0</c>).</param>
/// <param name="SupportsCSharp11">UTF-8 literals and <c>scoped</c> parameters need C# 11.</param>
internal sealed record CompilationFacts(bool HasRuntime, string LanguageVersion, bool SupportsCSharp11);
