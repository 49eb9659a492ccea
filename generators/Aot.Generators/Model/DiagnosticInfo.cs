using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Aot.Generators.Model;

/// <summary>
/// A diagnostic as data: the descriptor, the file it is about and the message arguments. Models keep this instead of
/// a <see cref="Diagnostic"/> (whose <see cref="Location"/> would pin syntax trees) so they stay equatable and cheap.
/// </summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, string FilePath, EquatableArray<string> MessageArgs)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, string filePath, params string[] messageArgs) =>
        new(descriptor, filePath, new EquatableArray<string>(messageArgs));

    /// <summary>The diagnostic, located at the start of the file so the build names the model (<c>path(1,1): error AOT0001</c>).</summary>
    public Diagnostic ToDiagnostic()
    {
        object[] args = new object[MessageArgs.Count];
        for (int i = 0; i < args.Length; i++)
        {
            args[i] = MessageArgs[i];
        }

        Location location = Location.Create(FilePath, default, new LinePositionSpan(default, default));
        return Diagnostic.Create(Descriptor, location, args);
    }
}
