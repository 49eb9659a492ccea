namespace Aot.Generators.Model;

/// <summary>The little the generator needs from the compilation, as a value so that edits leave it Unchanged.</summary>
/// <param name="HasRuntime">Whether <c>Aot.Runtime.ModelRunner</c> is visible (the generated code calls it).</param>
/// <param name="LanguageVersion">The C# version, as displayed (e.g. <c>10.0</c>).</param>
/// <param name="SupportsCSharp11">UTF-8 literals and <c>scoped</c> parameters need C# 11.</param>
/// <param name="HasServerHosting">Whether <c>Aot.Server.Hosting.CompiledModel</c> is visible (server adapters derive from it).</param>
/// <param name="HasTypedClient">Whether <c>Aot.Client.Typed.TypedRequest</c> is visible (typed clients derive from it).</param>
internal sealed record CompilationFacts(bool HasRuntime, string LanguageVersion, bool SupportsCSharp11, bool HasServerHosting = false, bool HasTypedClient = false);
