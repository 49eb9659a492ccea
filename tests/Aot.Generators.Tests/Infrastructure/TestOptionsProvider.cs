using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Aot.Generators.Tests.Infrastructure;

/// <summary>The analyzer config options the build's generated editorconfig would give: global properties and per-file metadata.</summary>
internal sealed class TestOptionsProvider(
    ImmutableDictionary<string, string> global,
    ImmutableDictionary<string, ImmutableDictionary<string, string>> perFile) : AnalyzerConfigOptionsProvider
{
    public static TestOptionsProvider Empty { get; } = new(ImmutableDictionary<string, string>.Empty, ImmutableDictionary<string, ImmutableDictionary<string, string>>.Empty);

    public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(global);

    public static TestOptionsProvider WithRootNamespace(string? rootNamespace) =>
        Empty.With(rootNamespace is null ? null : ("build_property.RootNamespace", rootNamespace));

    public TestOptionsProvider With((string Key, string Value)? globalOption) =>
        globalOption is { } o ? new(((Options)GlobalOptions).Values.SetItem(o.Key, o.Value), perFile) : this;

    public TestOptionsProvider WithFile(string path, string key, string value)
    {
        ImmutableDictionary<string, string> values = perFile.TryGetValue(path, out var existing) ? existing : ImmutableDictionary<string, string>.Empty;
        return new(((Options)GlobalOptions).Values, perFile.SetItem(path, values.SetItem(key, value)));
    }

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options(ImmutableDictionary<string, string>.Empty);

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
        new Options(perFile.TryGetValue(textFile.Path, out var values) ? values : ImmutableDictionary<string, string>.Empty);

    private sealed class Options(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public ImmutableDictionary<string, string> Values => values;

        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
    }
}
