using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using Aot.Generators.Model;
using Aot.Generators.Naming;
using Aot.Generators.Onnx;
using Aot.Protocol;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Aot.Generators;

public sealed partial class OnnxModelGenerator
{
    /// <summary>Reads a manifest and builds the <see cref="ModelClass"/> to emit: names, types, shapes, diagnostics.</summary>
    internal static class Parser
    {
        // Item metadata and properties the build targets make visible (CompilerVisibleItemMetadata/Property).
        internal const string ClassNameOption = "build_metadata.AdditionalFiles.AotClassName";
        internal const string NamespaceOption = "build_metadata.AdditionalFiles.AotNamespace";
        internal const string RootNamespaceOption = "build_property.RootNamespace";
        internal const string ServeOption = "build_metadata.AdditionalFiles.AotServe";
        internal const string EntryPointOption = "build_property.AotServerEntryPoint";
        internal const string ClientOption = "build_metadata.AdditionalFiles.AotClient";
        internal const string ServeNameOption = "build_metadata.AdditionalFiles.AotServeName";
        internal const string EmbeddedResourceOption = "build_metadata.AdditionalFiles.AotEmbeddedResource";

        /// <summary>Names every generated class has; a tensor may not take one (nor its own class's name).</summary>
        private static readonly string[] s_reservedMembers =
        {
            // Members of the generated class.
            "Inputs", "Outputs", "InputSpecs", "OutputSpecs", "Model", "Runner", "Run", "Dispose",
            // Members of object.
            "Equals", "GetHashCode", "ToString", "GetType", "MemberwiseClone", "ReferenceEquals", "Finalize",
            // Members of the nested Inputs.X / Outputs.X classes, which a nested class may not share its name with.
            "Index", "Name", "NameUtf8", "ElementType", "Rank", "Dims",
        };

        /// <summary>Names taken as well when a server adapter, a typed client or an embedded model is generated.</summary>
        private static readonly string[] s_reservedServingMembers =
        {
            // Nested classes and the embedded-model loader of the generated class.
            "Serving", "Client", "LoadEmbedded",
            // Members of X.Client (and of its base, Aot.Client.Typed.TypedRequest), whose tensor members share these names.
            "DefaultName", "InferAsync", "ModelName", "ModelVersion", "Timeout", "Connection", "ResponsePayload",
            "GetInputSectionLength", "WriteInputSection", "ReadOutputs", "IsInFlight", "SetInput", "RequireSet",
        };

        public static bool IsModelFile(AdditionalText file) =>
            file.Path.EndsWith(OnnxManifest.FileExtension, StringComparison.OrdinalIgnoreCase)
            || file.Path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

        public static ModelResult Parse(AdditionalText file, AnalyzerConfigOptionsProvider options, CancellationToken cancellationToken)
        {
            if (file.Path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            {
                // Never GetText() a binary model (CS2015): this only happens when the build targets are missing.
                return Failed(DiagnosticInfo.Create(DiagnosticDescriptors.TargetsNotImported, file.Path, file.Path));
            }

            OnnxManifestContent manifest;
            try
            {
                string text = file.GetText(cancellationToken)?.ToString()
                    ?? throw new OnnxFormatException("the file cannot be opened");
                manifest = OnnxManifest.Parse(text);
            }
            catch (OnnxFormatException e)
            {
                return Failed(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidManifest, file.Path, file.Path, e.Message));
            }

            if (manifest.Model is null)
            {
                return Failed(DiagnosticInfo.Create(DiagnosticDescriptors.UnreadableModel, manifest.ModelPath, manifest.ModelPath, manifest.Error ?? ""));
            }

            AnalyzerConfigOptions fileOptions = options.GetOptions(file);
            var serving = new ServingOptions(
                IsTrue(fileOptions, ServeOption),
                IsTrue(fileOptions, ClientOption),
                NonEmpty(fileOptions, ServeNameOption) ?? Path.GetFileNameWithoutExtension(manifest.ModelPath),
                NonEmpty(fileOptions, EmbeddedResourceOption));
            return Build(
                manifest.ModelPath,
                manifest.Model,
                NonEmpty(fileOptions, ClassNameOption),
                NonEmpty(fileOptions, NamespaceOption),
                NonEmpty(options.GlobalOptions, RootNamespaceOption),
                serving);
        }

        /// <summary>Builds the class for a model read from <paramref name="modelPath"/>; pure, so tests call it directly.</summary>
        public static ModelResult Build(
            string modelPath, OnnxModelInfo model, string? className, string? @namespace, string? rootNamespace, ServingOptions? serving = null)
        {
            serving ??= ServingOptions.None;
            var diagnostics = new List<DiagnosticInfo>();
            string fileName = Path.GetFileName(modelPath);

            string name = className ?? IdentifierNames.ToPascalCase(Path.GetFileNameWithoutExtension(modelPath), "Model", "OnnxModel");
            if (className is null && IsClassMember(name, serving))
            {
                // A class may not be named like its own members (CS0542): model.onnx gives ModelClass, run.onnx RunClass.
                name += "Class";
            }

            if (!IdentifierNames.IsValidIdentifier(name) || IsClassMember(name, serving))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidClassName, modelPath, modelPath, name));
            }

            string? targetNamespace = @namespace ?? rootNamespace;
            if (targetNamespace is not null && targetNamespace.StartsWith("global::", StringComparison.Ordinal))
            {
                targetNamespace = targetNamespace.Substring("global::".Length);
            }

            if (targetNamespace is not null && !IdentifierNames.IsValidNamespace(targetNamespace))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidNamespace, modelPath, modelPath, targetNamespace));
            }

            if (serving.Serve && !IsValidServeName(serving.ServeName))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidServeName, modelPath, modelPath, serving.ServeName));
            }

            ReportUnsupported(modelPath, "input", model.Inputs, diagnostics);
            ReportUnsupported(modelPath, "output", model.Outputs, diagnostics);
            if (diagnostics.Count > 0)
            {
                return new ModelResult(null, diagnostics.ToEquatableArray());
            }

            var warnings = new List<DiagnosticInfo>();
            if (serving.Client && HasString(model))
            {
                // The binary protocol carries no string tensors yet: the class (and its server adapter) still come.
                warnings.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ClientWithStrings, modelPath, modelPath));
                serving = serving with { Client = false };
            }

            var names = new MemberNameTable(serving.Any ? Reserved(name, s_reservedServingMembers) : Reserved(name));
            var inputs = new TensorMember[model.Inputs.Count];
            for (int i = 0; i < inputs.Length; i++)
            {
                inputs[i] = CreateInput(i, model.Inputs[i], names);
            }

            var outputs = new TensorMember[model.Outputs.Count];
            for (int i = 0; i < outputs.Length; i++)
            {
                outputs[i] = CreateOutput(i, model.Outputs[i], names);
            }

            var description = new ModelDescription(
                model.DocString,
                model.GraphName,
                model.GraphDocString,
                model.ProducerName,
                model.ProducerVersion,
                model.Domain,
                model.IrVersion,
                model.ModelVersion,
                DescribeOpsets(model.Opsets));

            var modelClass = new ModelClass(
                modelPath,
                fileName,
                targetNamespace,
                name,
                description,
                new EquatableArray<TensorMember>(inputs),
                new EquatableArray<TensorMember>(outputs),
                serving,
                IsBatchable(inputs, outputs));
            return new ModelResult(modelClass, warnings.ToEquatableArray());
        }

        /// <summary>Whether <paramref name="name"/> is a member of every generated class (so no class may be called that).</summary>
        private static bool IsClassMember(string name, ServingOptions serving)
        {
            switch (name)
            {
                case "Inputs" or "Outputs" or "InputSpecs" or "OutputSpecs" or "Model" or "Runner" or "Run" or "Dispose":
                case "Equals" or "GetHashCode" or "ToString" or "GetType" or "MemberwiseClone" or "ReferenceEquals" or "Finalize":
                    return true;
                case "Serving" or "Client" or "LoadEmbedded":
                    return serving.Any;
                default:
                    return false;
            }
        }

        private static IEnumerable<string> Reserved(string className, string[]? more = null)
        {
            yield return className;
            foreach (string member in s_reservedMembers)
            {
                yield return member;
            }

            foreach (string member in more ?? Array.Empty<string>())
            {
                yield return member;
            }
        }

        /// <summary>
        /// The server's rule (<see cref="BatchDimensionRule"/>, the same source file) applied to the declared signature.
        /// The server re-derives it from the loaded model and only trusts the generated validation when the symbols agree.
        /// </summary>
        private static bool IsBatchable(TensorMember[] inputs, TensorMember[] outputs) =>
            BatchDimensionRule.IsBatchable(Array.ConvertAll(inputs, ToRuleTensor), Array.ConvertAll(outputs, ToRuleTensor));

        private static BatchDimensionRule.Tensor ToRuleTensor(TensorMember tensor) =>
            tensor.Rank > 0
                ? new BatchDimensionRule.Tensor(tensor.Rank, tensor.Dimensions[0].IsFixed, tensor.Dimensions[0].Symbol)
                : new BatchDimensionRule.Tensor(tensor.Rank, dimension0IsFixed: false, dimension0Symbol: null);

        /// <summary>The server's model names: letters, digits, <c>_ - .</c>, at most 256 characters.</summary>
        private static bool IsValidServeName(string name)
        {
            if (name.Length == 0 || name.Length > 256)
            {
                return false;
            }

            foreach (char c in name)
            {
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool HasString(OnnxModelInfo model)
        {
            foreach (OnnxValueInfo value in model.Inputs)
            {
                if (value.Type.ElementType == 8)
                {
                    return true;
                }
            }

            foreach (OnnxValueInfo value in model.Outputs)
            {
                if (value.Type.ElementType == 8)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsTrue(AnalyzerConfigOptions options, string key) =>
            options.TryGetValue(key, out string? value) && string.Equals(value.Trim(), "true", StringComparison.OrdinalIgnoreCase);

        private static void ReportUnsupported(string modelPath, string role, IReadOnlyList<OnnxValueInfo> values, List<DiagnosticInfo> diagnostics)
        {
            foreach (OnnxValueInfo value in values)
            {
                if (value.Type.Kind != OnnxValueKind.Tensor || !ElementTypeMap.TryGet(value.Type.ElementType, out _, out _))
                {
                    string type = value.Type.Kind == OnnxValueKind.None ? "value with no type" : value.Type.Description;
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedValue, modelPath, modelPath, role, value.Name, type));
                }
            }
        }

        private static TensorMember CreateInput(int index, OnnxValueInfo value, MemberNameTable names)
        {
            bool isString = value.Type.ElementType == 8;
            string baseName = IdentifierNames.ToPascalCase(value.Name, "Input", "Input" + Int(index));
            string name = isString ? names.Allocate(baseName, "Input", "{0}", "Set{0}") : names.Allocate(baseName, "Input", "{0}");
            string accessor = isString ? "Set" + name : name;

            IReadOnlyList<OnnxDimension>? shape = value.Type.Shape;
            var dimensions = new List<DimensionInfo>();
            var parameters = new List<string>();
            if (shape is null)
            {
                parameters.Add("shape");
            }
            else
            {
                // String inputs take their values first: no dimension may be called that.
                var used = new HashSet<string>(StringComparer.Ordinal);
                if (isString)
                {
                    used.Add("values");
                }

                var bySymbol = new Dictionary<string, string>(StringComparer.Ordinal);
                for (int axis = 0; axis < shape.Count; axis++)
                {
                    OnnxDimension dim = shape[axis];
                    string? parameter = null;
                    if (!dim.IsFixed)
                    {
                        if (dim.Symbol is null || !bySymbol.TryGetValue(dim.Symbol, out parameter))
                        {
                            string fallback = "dim" + Int(axis);
                            string wanted = dim.Symbol is null ? fallback : IdentifierNames.ToCamelCase(dim.Symbol, "dim", fallback);
                            parameter = wanted;
                            for (int n = 2; !used.Add(parameter); n++)
                            {
                                parameter = wanted + Int(n);
                            }

                            parameters.Add(parameter);
                            if (dim.Symbol is not null)
                            {
                                bySymbol.Add(dim.Symbol, parameter);
                            }
                        }
                    }

                    dimensions.Add(new DimensionInfo(dim.Value, dim.Symbol, parameter));
                }
            }

            return CreateMember(index, value, name, accessor, shapeName: null, dimensions, parameters);
        }

        private static TensorMember CreateOutput(int index, OnnxValueInfo value, MemberNameTable names)
        {
            bool isString = value.Type.ElementType == 8;
            string baseName = IdentifierNames.ToPascalCase(value.Name, "Output", "Output" + Int(index));
            string name = isString
                ? names.Allocate(baseName, "Output", "{0}", "Get{0}", "{0}Shape")
                : names.Allocate(baseName, "Output", "{0}", "{0}Shape");
            var dimensions = new List<DimensionInfo>();
            foreach (OnnxDimension dim in value.Type.Shape ?? Array.Empty<OnnxDimension>())
            {
                dimensions.Add(new DimensionInfo(dim.Value, dim.Symbol, null));
            }

            return CreateMember(index, value, name, isString ? "Get" + name : name, name + "Shape", dimensions, new List<string>());
        }

        private static TensorMember CreateMember(
            int index, OnnxValueInfo value, string name, string accessor, string? shapeName, List<DimensionInfo> dimensions, List<string> parameters)
        {
            ElementTypeMap.TryGet(value.Type.ElementType, out string runtimeName, out string csharpType);
            return new TensorMember(
                index,
                value.Name,
                name,
                accessor,
                shapeName,
                value.Type.ElementType,
                runtimeName,
                csharpType,
                DescribeType(value.Type),
                value.Type.Shape is not null,
                dimensions.ToEquatableArray(),
                parameters.ToEquatableArray(),
                value.DocString);
        }

        /// <summary><c>int64 [batch, sequence]</c>, <c>float scalar</c> or <c>float (shape unknown)</c>.</summary>
        private static string DescribeType(OnnxValueType type)
        {
            var text = new StringBuilder(OnnxElementTypes.Name(type.ElementType));
            if (type.Shape is null)
            {
                return text.Append(" (shape unknown)").ToString();
            }

            if (type.Shape.Count == 0)
            {
                return text.Append(" scalar").ToString();
            }

            text.Append(" [");
            for (int i = 0; i < type.Shape.Count; i++)
            {
                OnnxDimension dim = type.Shape[i];
                text.Append(i > 0 ? ", " : "").Append(dim.IsFixed ? Long(dim.Value) : dim.Symbol ?? "?");
            }

            return text.Append(']').ToString();
        }

        private static EquatableArray<string> DescribeOpsets(IReadOnlyList<OnnxOpset> opsets)
        {
            var text = new List<string>();
            foreach (OnnxOpset opset in opsets)
            {
                string domain = opset.Domain.Length == 0 ? "ai.onnx" : opset.Domain;
                text.Add(domain + " " + Long(opset.Version));
            }

            return text.ToEquatableArray();
        }

        private static string? NonEmpty(AnalyzerConfigOptions options, string key) =>
            options.TryGetValue(key, out string? value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        private static ModelResult Failed(DiagnosticInfo diagnostic) =>
            new(null, new EquatableArray<DiagnosticInfo>(new[] { diagnostic }));

        private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

        private static string Long(long value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
