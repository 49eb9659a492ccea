using System.CommandLine;
using System.Text.Json;
using Aot.Runtime;
using Aot.Protocol;

namespace Aot.Server.Cli;

/// <summary><c>aot inspect PATH</c>: a model's inputs, outputs, element types, shapes and metadata, as a table or JSON.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "The .onnx file." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var command = new Command("inspect", "Show a model's inputs, outputs, element types, shapes and metadata.") { path, json };
        command.SetAction(result => CommandErrors.Run(() =>
        {
            using OnnxModel model = LoadForInspection(result.GetValue(path)!);
            if (result.GetValue(json))
            {
                WriteJson(model, Console.OpenStandardOutput());
            }
            else
            {
                Console.Out.Write(FormatTable(model));
            }

            return 0;
        }));
        return command;
    }

    private static OnnxModel LoadForInspection(string path)
    {
        try
        {
            // No graph optimisation: inspection only needs the signature, and should be quick on big models.
            return OnnxModel.Load(path, new ModelOptions { Optimization = GraphOptimization.None, IntraOpThreads = 1 });
        }
        catch (ModelLoadException ex)
        {
            throw new Models.StartupException(ex.Message, ex);
        }
    }

    internal static string FormatTable(OnnxModel model)
    {
        ModelMetadata metadata = model.Metadata;
        var rows = new List<string[]> { new[] { "", "name", "type", "shape" } };
        rows.AddRange(metadata.Inputs.Select(static i => new[] { "input", i.Name, ElementTypes.ToKServeName(i.ElementType), i.ShapeText }));
        rows.AddRange(metadata.Outputs.Select(static o => new[] { "output", o.Name, ElementTypes.ToKServeName(o.ElementType), o.ShapeText }));
        int[] widths = [.. Enumerable.Range(0, 4).Select(c => rows.Max(r => r[c].Length))];
        var text = new System.Text.StringBuilder();
        text.Append("model: ").Append(model.Source).Append('\n');
        AppendIfSet(text, "producer", metadata.ProducerName);
        AppendIfSet(text, "graph", metadata.GraphName);
        AppendIfSet(text, "domain", metadata.Domain);
        AppendIfSet(text, "description", metadata.Description);
        if (HasVersion(metadata))
        {
            text.Append("version: ").Append(metadata.Version).Append('\n');
        }

        foreach ((string key, string value) in metadata.Custom.OrderBy(static p => p.Key, StringComparer.Ordinal))
        {
            text.Append("metadata ").Append(key).Append(": ").Append(value).Append('\n');
        }

        text.Append('\n');
        foreach (string[] row in rows)
        {
            text.Append(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd()).Append('\n');
        }

        return text.ToString();
    }

    private static void WriteJson(OnnxModel model, Stream output)
    {
        ModelMetadata metadata = model.Metadata;
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("path", model.Source);
        json.WriteString("producer", metadata.ProducerName);
        json.WriteString("graph", metadata.GraphName);
        json.WriteString("domain", metadata.Domain);
        json.WriteString("description", metadata.Description);
        if (HasVersion(metadata))
        {
            json.WriteNumber("version", metadata.Version);
        }

        WriteTensors(json, "inputs", metadata.Inputs);
        WriteTensors(json, "outputs", metadata.Outputs);
        json.WriteStartObject("metadata");
        foreach ((string key, string value) in metadata.Custom.OrderBy(static p => p.Key, StringComparer.Ordinal))
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
        json.WriteEndObject();
        json.Flush();
        output.Write("\n"u8);
    }

    private static void WriteTensors(Utf8JsonWriter json, string name, IReadOnlyList<TensorInfo> tensors)
    {
        json.WriteStartArray(name);
        foreach (TensorInfo tensor in tensors)
        {
            json.WriteStartObject();
            json.WriteString("name", tensor.Name);
            json.WriteString("datatype", tensor.IsTensor ? ElementTypes.ToKServeName(tensor.ElementType) : "NON_TENSOR");
            json.WriteStartArray("shape");
            foreach (Dimension dim in tensor.Shape)
            {
                if (dim.IsFixed)
                {
                    json.WriteNumberValue(dim.Value);
                }
                else
                {
                    json.WriteStringValue(dim.Symbol ?? "?");
                }
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    // ONNX Runtime reports an unset model_version as long.MaxValue.
    private static bool HasVersion(ModelMetadata metadata) => metadata.Version is not 0 and not long.MaxValue;

    private static void AppendIfSet(System.Text.StringBuilder text, string label, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            text.Append(label).Append(": ").Append(value).Append('\n');
        }
    }
}
