using System.Collections.Generic;
using System.Globalization;
using Aot.Generators.Emit;
using Aot.Generators.Model;
using static Aot.Generators.Emit.CSharpLiterals;

namespace Aot.Generators;

public sealed partial class OnnxModelGenerator
{
    /// <summary>
    /// Writes the server side of a compiled-in model: <c>X.Serving</c> (<c>AotServe="true"</c>), the adapter through
    /// which <c>Aot.Server.Hosting</c> validates requests and fills the batch buffers with straight-line code over the
    /// model's constants; and <c>X.LoadEmbedded</c> (<c>Embed="true"</c>).
    /// </summary>
    internal static class ServingEmitter
    {
        private const string Runtime = "global::Aot.Runtime";
        private const string Hosting = "global::Aot.Server.Hosting";
        private const string Span = "global::System.Span";
        private const string ReadOnlySpan = "global::System.ReadOnlySpan";
        private const string Marshal = "global::System.Runtime.InteropServices.MemoryMarshal";

        public static void WriteLoadEmbedded(SourceWriter w, ModelClass model)
        {
            string resource = model.Serving.EmbeddedResource!;
            w.WriteLine("/// <summary>Loads the copy of <c>" + Xml(model.ModelFileName) + "</c> embedded in this assembly (<c>Embed=\"true\"</c>), from memory. The caller owns the model.</summary>");
            w.WriteLine("/// <param name=\"options\">Device, threads and optimisation; null for the defaults.</param>");
            w.WriteLine("/// <returns>The loaded model; create instances over it with the <see cref=\"" + Runtime + ".OnnxModel\"/> constructor.</returns>");
            w.WriteLine("public static " + Runtime + ".OnnxModel LoadEmbedded(" + Runtime + ".ModelOptions? options = null)");
            w.OpenBlock();
            w.WriteLine("using global::System.IO.Stream stream = typeof(" + model.ClassName + ").Assembly.GetManifestResourceStream(" + String(resource) + ")");
            w.Indent();
            w.WriteLine("?? throw new global::System.InvalidOperationException(" + String("The embedded model resource '" + resource + "' is missing from the assembly.") + ");");
            w.Unindent();
            w.WriteLine("byte[] bytes = new byte[stream.Length];");
            w.WriteLine("stream.ReadExactly(bytes);");
            w.WriteLine("return " + Runtime + ".OnnxModel.Load(bytes, options, " + String("embedded:" + model.ModelFileName) + ");");
            w.CloseBlock();
            w.WriteLine();
        }

        public static void WriteServing(SourceWriter w, ModelClass model)
        {
            string outer = model.ClassName;
            w.WriteLine("/// <summary>");
            w.WriteLine("/// This model compiled into an Aot server: give an instance to <see cref=\"" + Hosting + ".AotServer.Run\"/>. Requests are");
            w.WriteLine("/// validated against the constants of this class and laid out in the pinned batch buffers by its generated code");
            w.WriteLine("/// over the same constants; a model file given at run time must match the compiled signature.");
            w.WriteLine("/// </summary>");
            w.WriteLine("public sealed class Serving : " + Hosting + ".CompiledModel");
            w.OpenBlock();
            w.WriteLine("/// <summary>The name the model is served under unless another is given: <c>" + Xml(model.Serving.ServeName) + "</c>.</summary>");
            w.WriteLine("public const string DefaultName = " + String(model.Serving.ServeName) + ";");
            w.WriteLine();
            w.WriteLine("/// <summary>Serves the model under <see cref=\"DefaultName\"/>.</summary>");
            w.WriteLine("public Serving()");
            w.Indent();
            w.WriteLine(": this(DefaultName)");
            w.Unindent();
            w.OpenBlock();
            w.CloseBlock();
            w.WriteLine();
            w.WriteLine("/// <summary>Serves the model under <paramref name=\"name\"/>.</summary>");
            w.WriteLine("/// <param name=\"name\">The model's name in URLs and binary requests.</param>");
            w.WriteLine("public Serving(string name)");
            w.Indent();
            w.WriteLine(": base(name, " + String(model.ModelFileName) + ", isBatchable: " + (model.IsBatchable ? "true" : "false") + ")");
            w.Unindent();
            w.OpenBlock();
            w.CloseBlock();
            w.WriteLine();
            w.WriteLine("/// <inheritdoc/>");
            w.WriteLine("public override global::System.Collections.Generic.IReadOnlyList<" + Runtime + ".TensorSpec> InputSpecs => s_inputSpecs;");
            w.WriteLine();
            w.WriteLine("/// <inheritdoc/>");
            w.WriteLine("public override global::System.Collections.Generic.IReadOnlyList<" + Runtime + ".TensorSpec> OutputSpecs => s_outputSpecs;");
            w.WriteLine();
            if (model.Serving.EmbeddedResource is not null)
            {
                w.WriteLine("/// <inheritdoc/>");
                w.WriteLine("public override bool HasEmbeddedModel => true;");
                w.WriteLine();
                w.WriteLine("/// <inheritdoc/>");
                w.WriteLine("protected override " + Runtime + ".OnnxModel LoadEmbeddedModel(" + Runtime + ".ModelOptions options) => LoadEmbedded(options);");
                w.WriteLine();
            }

            WriteTryValidate(w, model);
            w.WriteLine("/// <inheritdoc/>");
            w.WriteLine("protected override " + Hosting + ".CompiledRunner CreateRunner(" + Runtime + ".OnnxModel model) => new ServingRunner(new " + outer + "(model));");
            w.WriteLine();
            WriteRunner(w, model);
            w.CloseBlock();
        }

        /// <summary>
        /// The request check, as one expression over constants: every input set, its rank, non-negative and fixed
        /// dimensions, dimension 0 at least 1 when batched, its byte length, and every pair of inputs that share a
        /// symbol. Returning false hands the request to the server's general validation, which accepts it or says
        /// exactly what is wrong, so the messages are the same as for a model loaded at run time.
        /// </summary>
        private static void WriteTryValidate(SourceWriter w, ModelClass model)
        {
            foreach (TensorMember input in model.Inputs)
            {
                if (input.IsString || !input.HasShape)
                {
                    return; // the server's general validation handles these (strings, shapes known only at run time)
                }
            }

            var conditions = new List<string>();
            var setChecks = new List<string>();
            var rankChecks = new List<string>();
            foreach (TensorMember input in model.Inputs)
            {
                string i = Int(input.Index);
                setChecks.Add("!request.IsSet(" + i + ")");
                rankChecks.Add("s" + i + ".Length != " + Int(input.Rank));
                var dynamic = new List<string>();
                var factors = new List<string>();
                long constant = ElementTypeMap.SizeOf(input.ElementType);
                for (int d = 0; d < input.Dimensions.Count; d++)
                {
                    DimensionInfo dim = input.Dimensions[d];
                    string at = "s" + i + "[" + Int(d) + "]";
                    if (dim.IsFixed)
                    {
                        conditions.Add(at + " == " + Long(dim.Value));
                        if (!TryMultiply(ref constant, dim.Value))
                        {
                            return; // a declared size no tensor can have: leave it to the general validation
                        }
                    }
                    else
                    {
                        dynamic.Add(at);
                        factors.Add(at);
                    }
                }

                if (dynamic.Count > 0)
                {
                    conditions.Add((dynamic.Count == 1 ? dynamic[0] : "(" + string.Join(" | ", dynamic) + ")") + " >= 0");
                }

                if (model.IsBatchable)
                {
                    conditions.Add("s" + i + "[0] != 0");
                }

                factors.Add(Long(constant) + "L");
                string bytes = factors.Count == 1 ? factors[0] : "checked(" + string.Join(" * ", factors) + ")";
                conditions.Add(bytes + " == request.ByteLength(" + i + ")");
            }

            // Inputs that share a symbolic dimension must agree on it (every pair, as the server checks).
            for (int a = 0; a < model.Inputs.Count; a++)
            {
                for (int da = 0; da < model.Inputs[a].Dimensions.Count; da++)
                {
                    string? symbol = model.Inputs[a].Dimensions[da].Symbol;
                    if (symbol is null)
                    {
                        continue;
                    }

                    for (int b = a + 1; b < model.Inputs.Count; b++)
                    {
                        for (int db = 0; db < model.Inputs[b].Dimensions.Count; db++)
                        {
                            if (model.Inputs[b].Dimensions[db].Symbol == symbol)
                            {
                                conditions.Add("s" + Int(b) + "[" + Int(db) + "] == s" + Int(a) + "[" + Int(da) + "]");
                            }
                        }
                    }
                }
            }

            w.WriteLine("/// <inheritdoc/>");
            w.WriteLine("protected override bool TryValidate(" + Hosting + ".RequestInputs request)");
            w.OpenBlock();
            if (model.Inputs.Count > 0)
            {
                w.WriteLine("if (" + string.Join(" || ", setChecks) + ")");
                w.OpenBlock();
                w.WriteLine("return false;");
                w.CloseBlock();
                w.WriteLine();
                foreach (TensorMember input in model.Inputs)
                {
                    w.WriteLine(ReadOnlySpan + "<long> s" + Int(input.Index) + " = request.Shape(" + Int(input.Index) + ");");
                }

                w.WriteLine("if (" + string.Join(" || ", rankChecks) + ")");
                w.OpenBlock();
                w.WriteLine("return false;");
                w.CloseBlock();
                w.WriteLine();
            }

            if (conditions.Count == 0)
            {
                w.WriteLine("return true;");
                w.CloseBlock();
                w.WriteLine();
                return;
            }

            w.WriteLine("try");
            w.OpenBlock();
            for (int c = 0; c < conditions.Count; c++)
            {
                string line = (c == 0 ? "return " : "    && ") + conditions[c] + (c == conditions.Count - 1 ? ";" : "");
                w.WriteLine(line);
            }

            w.CloseBlock();
            w.WriteLine("catch (global::System.OverflowException)");
            w.OpenBlock();
            w.WriteLine("return false;");
            w.CloseBlock();
            w.CloseBlock();
            w.WriteLine();
        }

        private static bool TryMultiply(ref long value, long factor)
        {
            try
            {
                value = checked(value * factor);
                return true;
            }
            catch (System.OverflowException)
            {
                return false;
            }
        }

        /// <summary>
        /// The input side of a batch worker: the whole batch laid out by <c>TryFillInputs</c>, or, for batches it
        /// declines, input buffers by index through the typed methods (the batch shape's symbolic dimensions become
        /// their arguments). Runs and outputs go to the runner directly (see CompiledRunner).
        /// </summary>
        private static void WriteRunner(SourceWriter w, ModelClass model)
        {
            string outer = model.ClassName;
            w.WriteLine("private sealed class ServingRunner : " + Hosting + ".CompiledRunner");
            w.OpenBlock();
            w.WriteLine("private readonly " + outer + " _typed;");
            w.WriteLine();
            w.WriteLine("public ServingRunner(" + outer + " typed)");
            w.Indent();
            w.WriteLine(": base(typed.Runner)");
            w.Unindent();
            w.OpenBlock();
            w.WriteLine("_typed = typed;");
            w.CloseBlock();
            w.WriteLine();

            w.WriteLine("public override " + Span + "<byte> GetInputBytes(int index, " + ReadOnlySpan + "<long> shape)");
            w.OpenBlock();
            w.WriteLine("switch (index)");
            w.OpenBlock();
            foreach (TensorMember input in model.Inputs)
            {
                if (input.IsString || !CanCallTyped(input))
                {
                    continue;
                }

                w.WriteLine("case " + Int(input.Index) + ":");
                w.Indent();
                w.WriteLine("return " + Marshal + ".AsBytes(_typed." + input.AccessorName + "(" + TypedArguments(input) + "));");
                w.Unindent();
            }

            w.WriteLine("default:");
            w.Indent();
            w.WriteLine("return _typed.Runner.GetInputBytes(index, shape);");
            w.Unindent();
            w.CloseBlock();
            w.CloseBlock();
            w.WriteLine();

            w.WriteLine("public override void SetStringInput(int index, " + ReadOnlySpan + "<string> values, " + ReadOnlySpan + "<long> shape)");
            w.OpenBlock();
            w.WriteLine("switch (index)");
            w.OpenBlock();
            foreach (TensorMember input in model.Inputs)
            {
                if (!input.IsString || !CanCallTyped(input))
                {
                    continue;
                }

                string args = TypedArguments(input);
                w.WriteLine("case " + Int(input.Index) + ":");
                w.Indent();
                w.WriteLine("_typed." + input.AccessorName + "(values" + (args.Length == 0 ? "" : ", " + args) + ");");
                w.WriteLine("break;");
                w.Unindent();
            }

            w.WriteLine("default:");
            w.Indent();
            w.WriteLine("_typed.Runner.SetStringInput(index, values, shape);");
            w.WriteLine("break;");
            w.Unindent();
            w.CloseBlock();
            w.CloseBlock();
            w.WriteLine();

            WriteTryFillInputs(w, model);
            w.WriteLine("public override void Dispose() => _typed.Dispose();");
            w.CloseBlock();
        }

        /// <summary>
        /// The batch layout, straight-line over the model's constants: each input's batch shape (rows along dimension 0,
        /// the other symbolic dimensions from the first request, fixed ones as literals) set through its typed method, and
        /// each request's bytes copied at its row offset (row size = element size × fixed dimensions × symbolic ones).
        /// It declines (false, before touching a buffer) a batch whose requests differ beyond dimension 0, which the
        /// server pads, and a non-batchable model's batch of more than one request; it is not emitted for models with
        /// string inputs, inputs of unknown rank, or a symbol naming two axes of one input: the server fills those.
        /// </summary>
        private static void WriteTryFillInputs(SourceWriter w, ModelClass model)
        {
            if (model.Inputs.Count == 0)
            {
                return;
            }

            foreach (TensorMember input in model.Inputs)
            {
                if (input.IsString || !input.HasShape || !CanCallTyped(input) || (model.IsBatchable && input.Rank == 0) || !TryFixedRowBytes(input, out _))
                {
                    return; // strings, unknown ranks, [n, n], a declared size no tensor can have: the server lays these out
                }
            }

            w.WriteLine("protected override bool TryFillInputs(" + Hosting + ".BatchInputs batch)");
            w.OpenBlock();
            if (model.IsBatchable)
            {
                WriteBatchedFill(w, model);
            }
            else
            {
                WriteSingleFill(w, model);
            }

            w.WriteLine("return true;");
            w.CloseBlock();
            w.WriteLine();
        }

        private static void WriteBatchedFill(SourceWriter w, ModelClass model)
        {
            // One local per symbolic dimension beyond 0, read from the first request: a symbol shared by several inputs
            // is read once (validation made every request's inputs agree on it); an unnamed dynamic dimension is its own.
            var locals = new Dictionary<string, string>();
            var dimLocals = new Dictionary<(int Input, int Dim), string>();
            var reads = new List<(string Local, int Input, int Dim)>();
            foreach (TensorMember input in model.Inputs)
            {
                for (int d = 1; d < input.Dimensions.Count; d++)
                {
                    DimensionInfo dim = input.Dimensions[d];
                    if (dim.IsFixed)
                    {
                        continue;
                    }

                    if (dim.Symbol is null || !locals.TryGetValue(dim.Symbol, out string? local))
                    {
                        local = "n" + Int(input.Index) + "_" + Int(d);
                        reads.Add((local, input.Index, d));
                        if (dim.Symbol is not null)
                        {
                            locals.Add(dim.Symbol, local);
                        }
                    }

                    dimLocals.Add((input.Index, d), local);
                }
            }

            if (reads.Count > 0)
            {
                foreach ((string local, int input, int d) in reads)
                {
                    w.WriteLine("long " + local + " = batch.Shape(0, " + Int(input) + ")[" + Int(d) + "];");
                }

                w.WriteLine("for (int r = 1; r < batch.Count; r++)");
                w.OpenBlock();
                var differs = new List<string>();
                foreach ((string local, int input, int d) in reads)
                {
                    differs.Add("batch.Shape(r, " + Int(input) + ")[" + Int(d) + "] != " + local);
                }

                w.WriteLine("if (" + string.Join(" || ", differs) + ")");
                w.OpenBlock();
                w.WriteLine("return false; // requests of different sizes: the server pads them");
                w.CloseBlock();
                w.CloseBlock();
                w.WriteLine();
            }

            w.WriteLine("int rows = checked((int)batch.Rows);");
            foreach (TensorMember input in model.Inputs)
            {
                string i = Int(input.Index);
                var arguments = new List<string> { "rows" };
                var factors = new List<string>();
                for (int d = 1; d < input.Dimensions.Count; d++)
                {
                    if (!input.Dimensions[d].IsFixed)
                    {
                        arguments.Add("checked((int)" + dimLocals[(input.Index, d)] + ")");
                        factors.Add(dimLocals[(input.Index, d)]);
                    }
                }

                TryFixedRowBytes(input, out long constant);
                factors.Add(Long(constant) + "L");

                string rowBytes = factors.Count == 1 ? factors[0] : "checked(" + string.Join(" * ", factors) + ")";
                w.WriteLine();
                w.WriteLine(Span + "<byte> input" + i + " = " + Marshal + ".AsBytes(_typed." + input.AccessorName + "(" + string.Join(", ", arguments) + "));");
                if (factors.Count > 1)
                {
                    w.WriteLine("long rowBytes" + i + " = " + rowBytes + ";");
                    rowBytes = "rowBytes" + i;
                }

                w.WriteLine("for (int r = 0, at = 0; r < batch.Count; r++)");
                w.OpenBlock();
                w.WriteLine("int bytes = checked((int)(batch.Shape(r, " + i + ")[0] * " + rowBytes + "));");
                w.WriteLine("batch.CopyTo(r, " + i + ", input" + i + ".Slice(at, bytes));");
                w.WriteLine("at += bytes;");
                w.CloseBlock();
            }

            w.WriteLine();
        }

        /// <summary>Element size × the fixed dimensions beyond 0; false when that overflows.</summary>
        private static bool TryFixedRowBytes(TensorMember input, out long bytes)
        {
            bytes = ElementTypeMap.SizeOf(input.ElementType);
            for (int d = 1; d < input.Dimensions.Count; d++)
            {
                if (input.Dimensions[d].IsFixed && !TryMultiply(ref bytes, input.Dimensions[d].Value))
                {
                    return false;
                }
            }

            return true;
        }

        private static void WriteSingleFill(SourceWriter w, ModelClass model)
        {
            // Not batchable: each request runs alone, with its own shape.
            w.WriteLine("if (batch.Count != 1)");
            w.OpenBlock();
            w.WriteLine("return false;");
            w.CloseBlock();
            w.WriteLine();
            foreach (TensorMember input in model.Inputs)
            {
                string i = Int(input.Index);
                var arguments = new List<string>();
                for (int d = 0; d < input.Dimensions.Count; d++)
                {
                    if (!input.Dimensions[d].IsFixed)
                    {
                        arguments.Add("checked((int)batch.Shape(0, " + i + ")[" + Int(d) + "])");
                    }
                }

                w.WriteLine("batch.CopyTo(0, " + i + ", " + Marshal + ".AsBytes(_typed." + input.AccessorName + "(" + string.Join(", ", arguments) + ")));");
            }

            w.WriteLine();
        }

        /// <summary>
        /// Whether the typed method can take the batch shape: every parameter maps to exactly one axis (a symbol used
        /// twice in one input, <c>[n, n]</c>, would force the axes equal, so such inputs go through the runner).
        /// </summary>
        private static bool CanCallTyped(TensorMember input)
        {
            if (!input.HasShape)
            {
                return true;
            }

            var seen = new HashSet<string>();
            foreach (DimensionInfo dim in input.Dimensions)
            {
                if (dim.Parameter is not null && !seen.Add(dim.Parameter))
                {
                    return false;
                }
            }

            return true;
        }

        private static string TypedArguments(TensorMember input)
        {
            if (!input.HasShape)
            {
                return "shape";
            }

            var args = new List<string>();
            for (int d = 0; d < input.Dimensions.Count; d++)
            {
                if (!input.Dimensions[d].IsFixed)
                {
                    args.Add("checked((int)shape[" + d.ToString(CultureInfo.InvariantCulture) + "])");
                }
            }

            return string.Join(", ", args);
        }
    }
}
