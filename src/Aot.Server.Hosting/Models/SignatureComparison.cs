namespace Aot.Server.Models;

/// <summary>
/// Whether two versions of one model take and give the same tensors (names, element types, shapes with -1 for dynamic
/// dimensions): clients address a model by name, so a new version that changed its signature would break them.
/// </summary>
internal static class SignatureComparison
{
    /// <summary>What differs between <paramref name="candidate"/> and <paramref name="served"/>, or null when they match.</summary>
    public static string? Difference(ServingSignature candidate, ServingSignature served) =>
        Difference("input", candidate.Inputs, served.Inputs) ?? Difference("output", candidate.Outputs, served.Outputs);

    private static string? Difference(string kind, ServingTensor[] candidate, ServingTensor[] served)
    {
        if (candidate.Length != served.Length)
        {
            return $"it has {candidate.Length} {kind}s ({Names(candidate)}) where the served version has {served.Length} ({Names(served)})";
        }

        for (int i = 0; i < candidate.Length; i++)
        {
            ServingTensor a = candidate[i], b = served[i];
            if (a.Name != b.Name || a.DataTypeName != b.DataTypeName || !a.MetadataShape.AsSpan().SequenceEqual(b.MetadataShape))
            {
                return $"its {kind} {i} is '{a.Name}' {a.DataTypeName} {Shape(a)} where the served version's is '{b.Name}' {b.DataTypeName} {Shape(b)}";
            }
        }

        return null;
    }

    private static string Names(ServingTensor[] tensors) => string.Join(", ", tensors.Select(static t => t.Name));

    private static string Shape(ServingTensor tensor) => ServingSignature.FormatShape(tensor.MetadataShape);
}
