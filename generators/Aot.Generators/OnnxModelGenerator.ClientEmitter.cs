using System.Collections.Generic;
using System.Text;
using Aot.Generators.Emit;
using Aot.Generators.Model;
using static Aot.Generators.Emit.CSharpLiterals;

namespace Aot.Generators;

public sealed partial class OnnxModelGenerator
{
    /// <summary>
    /// Writes <c>X.Client</c> (<c>AotClient="true"</c>): a reusable typed request on the binary protocol. Inputs are
    /// typed spans over buffers the request owns; the frame is written with the model's names, types and ranks as
    /// constants; outputs are typed views of the response buffer. Nothing is allocated per call once the buffers have
    /// grown to the shapes in use.
    /// </summary>
    internal static class ClientEmitter
    {
        private const string Typed = "global::Aot.Client.Typed";
        private const string Span = "global::System.Span";
        private const string ReadOnlySpan = "global::System.ReadOnlySpan";

        public static void WriteClient(SourceWriter w, ModelClass model)
        {
            w.WriteLine("/// <summary>");
            w.WriteLine("/// A typed request for this model on an Aot server's binary protocol: fill the inputs through their methods, await");
            w.WriteLine("/// <see cref=\"" + Typed + ".TypedRequest.InferAsync\"/>, read the outputs through their properties.");
            w.WriteLine("/// </summary>");
            w.WriteLine("/// <remarks>");
            w.WriteLine("/// One instance is one call at a time; reuse it for the next call (its buffers are kept, so a steady stream of calls");
            w.WriteLine("/// allocates nothing) and create one per concurrent call, all over one shared <see cref=\"" + Typed + ".TypedConnection\"/>.");
            w.WriteLine("/// Outputs are views of the response and stay valid until the next call on this instance.");
            w.WriteLine("/// </remarks>");
            w.WriteLine("public sealed class Client : " + Typed + ".TypedRequest");
            w.OpenBlock();
            w.WriteLine("/// <summary>The model name requests go to unless another is given: <c>" + Xml(model.Serving.ServeName) + "</c>.</summary>");
            w.WriteLine("public const string DefaultName = " + String(model.Serving.ServeName) + ";");
            w.WriteLine();
            foreach (TensorMember input in model.Inputs)
            {
                string i = Int(input.Index);
                w.WriteLine("private " + (input.HasShape ? "readonly " : "") + "long[] _inShape" + i + " = " + (input.Rank > 0 ? "new long[" + Int(input.Rank) + "]" : "global::System.Array.Empty<long>()") + ";");
                w.WriteLine("private " + input.CSharpType + "[] _inData" + i + " = global::System.Array.Empty<" + input.CSharpType + ">();");
                w.WriteLine("private int _inCount" + i + " = -1;");
            }

            foreach (TensorMember output in model.Outputs)
            {
                string o = Int(output.Index);
                w.WriteLine("private long[] _outShape" + o + " = " + (output.Rank > 0 ? "new long[" + Int(output.Rank) + "]" : "global::System.Array.Empty<long>()") + ";");
                w.WriteLine("private int _outOffset" + o + ";");
                w.WriteLine("private int _outLength" + o + ";");
            }

            w.WriteLine();
            w.WriteLine("/// <summary>Creates a request for the model <paramref name=\"modelName\"/> on <paramref name=\"connection\"/>.</summary>");
            w.WriteLine("/// <param name=\"connection\">The connection to the server, shared by any number of requests.</param>");
            w.WriteLine("/// <param name=\"modelName\">The name the server knows the model by.</param>");
            w.WriteLine("/// <param name=\"modelVersion\">The model version; 0 for the highest.</param>");
            w.WriteLine("public Client(" + Typed + ".TypedConnection connection, string modelName = DefaultName, long modelVersion = 0)");
            w.Indent();
            w.WriteLine(": base(connection, modelName, modelVersion)");
            w.Unindent();
            w.OpenBlock();
            w.CloseBlock();
            w.WriteLine();

            foreach (TensorMember input in model.Inputs)
            {
                WriteInput(w, input);
            }

            foreach (TensorMember output in model.Outputs)
            {
                WriteOutput(w, output);
            }

            WriteInputSectionLength(w, model);
            WriteInputSection(w, model);
            WriteReadOutputs(w, model);
            w.CloseBlock();
        }

        private static void WriteInput(SourceWriter w, TensorMember t)
        {
            string i = Int(t.Index);
            var parameters = new List<string>();
            w.WriteLine("/// <summary>Sets the shape of input <c>" + Xml(t.OnnxName) + "</c> (" + Xml(t.TypeText) + ") and returns its buffer, to fill before the call.</summary>");
            if (!t.HasShape)
            {
                parameters.Add("scoped " + ReadOnlySpan + "<long> shape");
                w.WriteLine("/// <param name=\"shape\">The shape (the model does not declare one).</param>");
            }
            else
            {
                foreach (string parameter in t.Parameters)
                {
                    parameters.Add("int " + parameter);
                    w.WriteLine("/// <param name=\"" + parameter.TrimStart('@') + "\">The size of the dimension(s) the model calls " + DescribeAxes(t, parameter) + ".</param>");
                }
            }

            w.WriteLine("/// <returns>This request's buffer for the input; its contents are kept between calls of the same shape.</returns>");
            w.WriteLine("public " + Span + "<" + t.CSharpType + "> " + t.AccessorName + "(" + string.Join(", ", parameters) + ")");
            w.OpenBlock();
            if (!t.HasShape)
            {
                w.WriteLine("if (_inShape" + i + ".Length != shape.Length)");
                w.OpenBlock();
                w.WriteLine("_inShape" + i + " = new long[shape.Length];");
                w.CloseBlock();
                w.WriteLine();
                w.WriteLine("shape.CopyTo(_inShape" + i + ");");
            }
            else
            {
                for (int d = 0; d < t.Dimensions.Count; d++)
                {
                    DimensionInfo dim = t.Dimensions[d];
                    w.WriteLine("_inShape" + i + "[" + Int(d) + "] = " + (dim.IsFixed ? Long(dim.Value) : dim.Parameter!) + ";");
                }
            }

            w.WriteLine("return SetInput(ref _inData" + i + ", ref _inCount" + i + ", _inShape" + i + ");");
            w.CloseBlock();
            w.WriteLine();
        }

        private static string DescribeAxes(TensorMember t, string parameter)
        {
            var names = new List<string>();
            for (int d = 0; d < t.Dimensions.Count; d++)
            {
                if (t.Dimensions[d].Parameter == parameter)
                {
                    names.Add(t.Dimensions[d].Symbol is { } symbol ? "<c>" + Xml(symbol) + "</c>" : "dimension " + Int(d));
                }
            }

            return string.Join(" and ", names);
        }

        private static void WriteOutput(SourceWriter w, TensorMember t)
        {
            string o = Int(t.Index);
            w.WriteLine("/// <summary>Output <c>" + Xml(t.OnnxName) + "</c> (" + Xml(t.TypeText) + ") of the last call; its shape is <see cref=\"" + t.ShapeName + "\"/>.</summary>");
            w.WriteLine("/// <remarks>A view of the response: valid until the next call on this request.</remarks>");
            w.WriteLine("public " + ReadOnlySpan + "<" + t.CSharpType + "> " + t.AccessorName + " => " + Typed + ".TypedWire.View<" + t.CSharpType + ">(ResponsePayload, _outOffset" + o + ", _outLength" + o + ");");
            w.WriteLine();
            w.WriteLine("/// <summary>The shape of output <c>" + Xml(t.OnnxName) + "</c> in the last call.</summary>");
            w.WriteLine("public " + ReadOnlySpan + "<long> " + t.ShapeName + " => _outShape" + o + ";");
            w.WriteLine();
        }

        /// <summary>input_count, each input (name, type, rank, dims, length, data) and output_count; constants folded.</summary>
        private static void WriteInputSectionLength(SourceWriter w, ModelClass model)
        {
            w.WriteLine("/// <inheritdoc/>");
            w.WriteLine("protected override int GetInputSectionLength()");
            w.OpenBlock();
            var terms = new List<string> { "4" };
            foreach (TensorMember t in model.Inputs)
            {
                string i = Int(t.Index);
                w.WriteLine("RequireSet(_inCount" + i + ", " + String(t.OnnxName) + ");");
                int fixedBytes = 2 + Encoding.UTF8.GetByteCount(t.OnnxName) + 1 + 1 + 8;
                int size = ElementTypeMap.SizeOf(t.ElementType);
                terms.Add(t.HasShape
                    ? Int(fixedBytes + (8 * t.Rank))
                    : Int(fixedBytes) + " + (8 * _inShape" + i + ".Length)");
                terms.Add("(_inCount" + i + (size == 1 ? "" : " * " + Int(size)) + ")");
            }

            w.WriteLine("return checked(" + string.Join(" + ", terms) + ");");
            w.CloseBlock();
            w.WriteLine();
        }

        private static void WriteInputSection(SourceWriter w, ModelClass model)
        {
            w.WriteLine("/// <inheritdoc/>");
            w.WriteLine("protected override void WriteInputSection(" + Span + "<byte> destination)");
            w.OpenBlock();
            w.WriteLine("int at = 0;");
            w.WriteLine(Typed + ".TypedWire.WriteUInt16(destination, ref at, " + Int(model.Inputs.Count) + ");");
            foreach (TensorMember t in model.Inputs)
            {
                string i = Int(t.Index);
                w.WriteLine(Typed + ".TypedWire.WriteInput<" + t.CSharpType + ">(destination, ref at, " + String(t.OnnxName) + "u8, " + Int(t.ElementType)
                    + ", _inShape" + i + ", new " + ReadOnlySpan + "<" + t.CSharpType + ">(_inData" + i + ", 0, _inCount" + i + "));");
            }

            w.WriteLine(Typed + ".TypedWire.WriteUInt16(destination, ref at, 0);");
            w.CloseBlock();
            w.WriteLine();
        }

        private static void WriteReadOutputs(SourceWriter w, ModelClass model)
        {
            w.WriteLine("/// <inheritdoc/>");
            w.WriteLine("protected override void ReadOutputs(" + ReadOnlySpan + "<byte> payload)");
            w.OpenBlock();
            w.WriteLine("int at = 0;");
            w.WriteLine(Typed + ".TypedWire.ReadOutputCount(payload, ref at, " + Int(model.Outputs.Count) + ");");
            foreach (TensorMember t in model.Outputs)
            {
                string o = Int(t.Index);
                w.WriteLine(Typed + ".TypedWire.ReadOutput(payload, ref at, " + String(t.OnnxName) + "u8, " + Int(t.ElementType)
                    + ", ref _outShape" + o + ", out _outOffset" + o + ", out _outLength" + o + ");");
            }

            w.CloseBlock();
        }
    }
}
