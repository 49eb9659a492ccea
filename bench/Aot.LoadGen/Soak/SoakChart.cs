using System.Globalization;
using System.Text;
using Aot.LoadGen.Results;

namespace Aot.LoadGen.Soak;

/// <summary>
/// The soak's chart: four panels drawn with <see cref="SvgCharts.Chart"/> stacked in one SVG — RSS, open fds, threads,
/// and p99 per protocol, each against the seconds since the load started.
/// </summary>
internal static class SoakChart
{
    private const int PanelHeight = 420;
    private const int LabelEvery = 6;

    public static string Draw(IReadOnlyList<SoakSample> samples)
    {
        string[] labels = [.. samples.Select((s, i) => i % LabelEvery == 0 || i == samples.Count - 1 ? s.Seconds.ToString("0", CultureInfo.InvariantCulture) : "")];
        const string x = "seconds since the load started (after the load: waiting for idle)";
        IReadOnlyList<(double X, double Y)> Series(Func<SoakSample, double> value) => [.. samples.Select((s, i) => ((double)i, value(s)))];
        string[] panels =
        [
            SvgCharts.Chart("server RSS and its managed heap", x, "MB", [("RSS", Series(s => s.RssMb)), ("managed heap", Series(s => s.GcHeapMb ?? 0))], labels, logY: false),
            SvgCharts.Chart("open file descriptors", x, "fds", [("fds", Series(s => s.OpenFds))], labels, logY: false),
            SvgCharts.Chart("threads", x, "threads", [("threads", Series(s => s.Threads))], labels, logY: false),
            SvgCharts.Chart("p99 of correct answers per 10 s interval", x, "ms (log)",
                [.. samples.SelectMany(s => s.Protocols.Select(p => p.Protocol)).Distinct().Select(protocol =>
                    (protocol, (IReadOnlyList<(double X, double Y)>)[.. samples.Select((s, i) => ((double)i, s.Protocols.FirstOrDefault(p => p.Protocol == protocol)?.P99Ms ?? 0)).Where(p => p.Item2 > 0)]))],
                labels, logY: true),
        ];
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"760\" height=\"{PanelHeight * panels.Length}\">\n");
        for (int i = 0; i < panels.Length; i++)
        {
            // Each panel is a complete SVG document; nested at its offset it keeps its own coordinates.
            svg.Append(panels[i].Replace("<svg xmlns=\"http://www.w3.org/2000/svg\"", string.Create(CultureInfo.InvariantCulture, $"<svg y=\"{i * PanelHeight}\""), StringComparison.Ordinal));
        }

        return svg.Append("</svg>\n").ToString();
    }
}
