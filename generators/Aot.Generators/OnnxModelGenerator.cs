using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Aot.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Aot.Generators;

/// <summary>
/// Generates a typed, allocation-free class for each ONNX model the project lists as an AdditionalFile.
/// </summary>
/// <remarks>
/// The build targets turn each <c>.onnx</c> into a small text manifest before compilation (see docs/generator.md),
/// so this generator reads text only. Per model: manifest → <see cref="ModelResult"/> (equatable) → source. Nothing
/// here depends on syntax, so edits to C# code leave every model step cached; a changed manifest re-emits only its
/// own class.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed partial class OnnxModelGenerator : IIncrementalGenerator
{
    private static readonly string s_version = typeof(OnnxModelGenerator).Assembly.GetName().Version?.ToString() ?? "0.0.0.0";

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ModelResult> models = context.AdditionalTextsProvider
            .Where(Parser.IsModelFile)
            .WithTrackingName(StepNames.ModelFiles)
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select((pair, cancellationToken) => Parser.Parse(pair.Left, pair.Right, cancellationToken))
            .WithTrackingName(StepNames.Models);

        IncrementalValueProvider<EquatableArray<DuplicateClass>> duplicates = models
            .Collect()
            .Select((all, _) => FindDuplicates(all))
            .WithTrackingName(StepNames.DuplicateClasses);

        IncrementalValueProvider<CompilationFacts> facts = context.CompilationProvider
            .Select((compilation, _) => GetFacts(compilation))
            .WithTrackingName(StepNames.CompilationFacts);

        IncrementalValuesProvider<EmitInput> inputs = models
            .Combine(duplicates)
            .Combine(facts)
            .Select((pair, _) => new EmitInput(pair.Left.Left, Find(pair.Left.Right, pair.Left.Left.Class), pair.Right))
            .WithTrackingName(StepNames.EmitInputs);

        context.RegisterSourceOutput(inputs, Emit);

        // AotServerEntryPoint=true: a Main that serves every AotServe model, so the project needs no Program.cs.
        IncrementalValueProvider<EntryPointInput> entryPoint = models
            .Collect()
            .Select((all, _) => ServedClasses(all))
            .Combine(context.AnalyzerConfigOptionsProvider.Select((options, _) => EntryPointOptions(options)))
            .Combine(facts)
            .Select((pair, _) => new EntryPointInput(pair.Left.Left, pair.Left.Right.Requested, pair.Left.Right.Namespace, pair.Right.HasServerHosting))
            .WithTrackingName(StepNames.EntryPoint);
        context.RegisterSourceOutput(entryPoint, EmitEntryPoint);
    }

    private static EquatableArray<string> ServedClasses(ImmutableArray<ModelResult> results)
    {
        var names = new List<string>();
        foreach (ModelResult result in results)
        {
            if (result.Class is { Serving.Serve: true } model)
            {
                names.Add(model.FullName);
            }
        }

        names.Sort(StringComparer.Ordinal);
        return names.ToEquatableArray();
    }

    private static (bool Requested, string? Namespace) EntryPointOptions(Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptionsProvider options)
    {
        bool requested = options.GlobalOptions.TryGetValue(Parser.EntryPointOption, out string? value)
            && string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
        options.GlobalOptions.TryGetValue(Parser.RootNamespaceOption, out string? rootNamespace);
        string? @namespace = string.IsNullOrWhiteSpace(rootNamespace) ? null : rootNamespace!.Trim();
        if (@namespace is not null && @namespace.StartsWith("global::", StringComparison.Ordinal))
        {
            @namespace = @namespace.Substring("global::".Length);
        }

        // An invalid RootNamespace is reported on the models (AOT0005); the entry point then goes to the global namespace.
        return (requested, @namespace is not null && Naming.IdentifierNames.IsValidNamespace(@namespace) ? @namespace : null);
    }

    private static void EmitEntryPoint(SourceProductionContext context, EntryPointInput input)
    {
        if (!input.Requested)
        {
            return;
        }

        if (input.ServedClasses.IsEmpty || !input.HasServerHosting)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.EntryPointWithoutServedModels, Location.None));
            return;
        }

        context.AddSource("AotServerProgram.g.cs", Emitter.EmitEntryPoint(input.ServedClasses, input.Namespace, s_version));
    }

    private static void Emit(SourceProductionContext context, EmitInput input)
    {
        foreach (DiagnosticInfo diagnostic in input.Result.Diagnostics)
        {
            context.ReportDiagnostic(diagnostic.ToDiagnostic());
        }

        ModelClass? model = input.Result.Class;
        if (model is null)
        {
            return;
        }

        if (input.Duplicate is { } duplicate)
        {
            var others = new List<string>();
            foreach (string path in duplicate.ModelPaths)
            {
                if (path != model.ModelPath)
                {
                    others.Add(path);
                }
            }

            // Every claimant reports and none is emitted: two sources with one hint name would fail the generator.
            Report(context, DiagnosticDescriptors.DuplicateClassName, model.ModelPath, model.FullName, string.Join("', '", others));
            return;
        }

        if (!input.Facts.HasRuntime)
        {
            Report(context, DiagnosticDescriptors.RuntimeNotReferenced, model.ModelPath);
            return;
        }

        if (!input.Facts.SupportsCSharp11)
        {
            Report(context, DiagnosticDescriptors.LanguageVersionTooLow, model.ModelPath, input.Facts.LanguageVersion);
            return;
        }

        if (model.Serving.Serve && !input.Facts.HasServerHosting)
        {
            Report(context, DiagnosticDescriptors.ServerHostingNotReferenced, model.ModelPath);
            return;
        }

        if (model.Serving.Client && !input.Facts.HasTypedClient)
        {
            Report(context, DiagnosticDescriptors.TypedClientNotReferenced, model.ModelPath);
            return;
        }

        context.AddSource(Emitter.HintName(model), Emitter.Emit(model, s_version));
    }

    private static void Report(SourceProductionContext context, DiagnosticDescriptor descriptor, string modelPath, params string[] args)
    {
        var all = new string[args.Length + 1];
        all[0] = modelPath;
        Array.Copy(args, 0, all, 1, args.Length);
        context.ReportDiagnostic(DiagnosticInfo.Create(descriptor, modelPath, all).ToDiagnostic());
    }

    private static EquatableArray<DuplicateClass> FindDuplicates(ImmutableArray<ModelResult> results)
    {
        var byName = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (ModelResult result in results)
        {
            if (result.Class is { } model)
            {
                if (!byName.TryGetValue(model.FullName, out List<string>? paths))
                {
                    byName[model.FullName] = paths = new List<string>();
                }

                paths.Add(model.ModelPath);
            }
        }

        var duplicates = new List<DuplicateClass>();
        foreach (KeyValuePair<string, List<string>> entry in byName)
        {
            if (entry.Value.Count > 1)
            {
                entry.Value.Sort(StringComparer.Ordinal);
                duplicates.Add(new DuplicateClass(entry.Key, entry.Value.ToEquatableArray()));
            }
        }

        // Sorted, so that the value (and the cache) does not depend on the order of AdditionalFiles.
        duplicates.Sort((a, b) => StringComparer.Ordinal.Compare(a.FullName, b.FullName));
        return duplicates.ToEquatableArray();
    }

    private static DuplicateClass? Find(EquatableArray<DuplicateClass> duplicates, ModelClass? model)
    {
        if (model is not null)
        {
            foreach (DuplicateClass duplicate in duplicates)
            {
                if (duplicate.FullName == model.FullName)
                {
                    return duplicate;
                }
            }
        }

        return null;
    }

    private static CompilationFacts GetFacts(Compilation compilation)
    {
        LanguageVersion version = compilation is CSharpCompilation csharp ? csharp.LanguageVersion : LanguageVersion.Latest;
        return new CompilationFacts(
            compilation.GetTypeByMetadataName("Aot.Runtime.ModelRunner") is not null,
            version.ToDisplayString(),
            version >= LanguageVersion.CSharp11,
            compilation.GetTypeByMetadataName("Aot.Server.Hosting.CompiledModel") is not null,
            compilation.GetTypeByMetadataName("Aot.Client.Typed.TypedRequest") is not null);
    }

    /// <summary>What the generated entry point needs: the served classes (sorted), whether it was asked for, where to put it.</summary>
    private sealed record EntryPointInput(EquatableArray<string> ServedClasses, bool Requested, string? Namespace, bool HasServerHosting);

    /// <summary>One model with what decides whether and how it is emitted; equal inputs are not emitted again.</summary>
    private sealed record EmitInput(ModelResult Result, DuplicateClass? Duplicate, CompilationFacts Facts);
}
