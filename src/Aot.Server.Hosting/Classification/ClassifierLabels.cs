using System.Globalization;
using System.Text.Json;

namespace Aot.Server.Classification;

/// <summary>
/// A classifier's label names: Hugging Face's <c>id2label</c> from a <c>config.json</c> next to the model when it has
/// one, else <c>LABEL_0..LABEL_{n-1}</c> (what transformers names labels it was given no names for).
/// </summary>
internal static class ClassifierLabels
{
    public const string ConfigFileName = "config.json";

    public static string[] Read(string modelPath, int count)
    {
        string[] labels = new string[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = string.Create(CultureInfo.InvariantCulture, $"LABEL_{i}");
        }

        string config = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath)) ?? ".", ConfigFileName);
        if (!File.Exists(config))
        {
            return labels;
        }

        // JsonDocument reads without reflection, so this stays trim- and AOT-safe; a label the file does not name keeps its default.
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(config));
        if (document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("id2label", out JsonElement id2label)
            && id2label.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty label in id2label.EnumerateObject())
            {
                if (int.TryParse(label.Name, NumberStyles.None, CultureInfo.InvariantCulture, out int id) && id < count
                    && label.Value.ValueKind == JsonValueKind.String)
                {
                    labels[id] = label.Value.GetString()!;
                }
            }
        }

        return labels;
    }
}
