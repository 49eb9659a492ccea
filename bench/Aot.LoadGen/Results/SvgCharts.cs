using System.Globalization;
using System.Net;
using System.Text;

namespace Aot.LoadGen.Results;

/// <summary>
/// Two SVG line charts per workload, written by hand (no dependency): latency percentiles per system at one
/// concurrency (log-scale milliseconds) and throughput against concurrency.
/// </summary>
internal static class SvgCharts
{
    private const int Width = 760;
    private const int Height = 420;
    private const int Left = 70;
    private const int Right = 220;
    private const int Top = 40;
    private const int Bottom = 50;
    private static readonly string[] Colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    /// <summary>Writes the charts into <paramref name="directory"/>; returns their file names.</summary>
    public static IReadOnlyList<string> WriteAll(SuiteResults results, string directory)
    {
        var q = new ResultsQuery(results);
        var files = new List<string>();
        foreach (string workload in q.Workloads)
        {
            IReadOnlyList<int> levels = q.Levels(workload);
            if (levels.Count == 0)
            {
                continue;
            }

            int c = levels.Contains(16) ? 16 : levels[^1];
            double[] percentiles = [50, 90, 99, 99.9];
            var latency = q.Series(workload)
                .Select(s => (Label: $"{s.System} {s.Protocol}", Run: q.Closed(s.System, workload, s.Protocol, c)))
                .Where(s => s.Run is not null)
                .Select(s => (s.Label, Points: (IReadOnlyList<(double X, double Y)>)[(0, s.Run!.P50Ms), (1, s.Run.P90Ms), (2, s.Run.P99Ms), (3, s.Run.P999Ms)]))
                .ToList();
            string latencyFile = $"latency-{workload}.svg";
            File.WriteAllText(Path.Combine(directory, latencyFile), Chart($"{workload}: latency percentiles at {c} clients", "percentile", "ms (log)",
                latency, [.. percentiles.Select(p => p.ToString(CultureInfo.InvariantCulture))], logY: true));
            files.Add(latencyFile);

            var throughput = q.Series(workload)
                .Select(s => (Label: $"{s.System} {s.Protocol}", Points: (IReadOnlyList<(double X, double Y)>)[.. levels
                    .Select((level, i) => (i, q.Closed(s.System, workload, s.Protocol, level)))
                    .Where(p => p.Item2 is not null)
                    .Select(p => ((double)p.i, p.Item2!.Throughput))]))
                .ToList();
            string throughputFile = $"throughput-{workload}.svg";
            File.WriteAllText(Path.Combine(directory, throughputFile), Chart($"{workload}: throughput vs clients", "clients", "req/s",
                throughput, [.. levels.Select(l => l.ToString(CultureInfo.InvariantCulture))], logY: false));
            files.Add(throughputFile);
        }

        return files;
    }

    /// <summary>A line chart: series of (x index, y) points over categorical x labels.</summary>
    public static string Chart(string title, string xTitle, string yTitle, IReadOnlyList<(string Label, IReadOnlyList<(double X, double Y)> Points)> series,
        IReadOnlyList<string> xLabels, bool logY)
    {
        double[] ys = [.. series.SelectMany(s => s.Points).Select(p => p.Y).Where(y => y > 0)];
        double min = ys.Length == 0 ? 0.001 : ys.Min();
        double max = ys.Length == 0 ? 1 : ys.Max();
        double lo = logY ? Math.Pow(10, Math.Floor(Math.Log10(min))) : 0;
        double hi = logY ? Math.Pow(10, Math.Ceiling(Math.Log10(max))) : NiceCeiling(max);
        if (hi <= lo)
        {
            hi = lo + 1;
        }

        int plotWidth = Width - Left - Right;
        int plotHeight = Height - Top - Bottom;
        double X(double index) => Left + (xLabels.Count <= 1 ? plotWidth / 2.0 : index * plotWidth / (xLabels.Count - 1));
        double Y(double value) => Top + plotHeight - (logY
            ? (Math.Log10(Math.Max(value, lo)) - Math.Log10(lo)) / (Math.Log10(hi) - Math.Log10(lo)) * plotHeight
            : (value - lo) / (hi - lo) * plotHeight);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>\n");
        // Y grid and labels.
        IEnumerable<double> ticks = logY
            ? Enumerable.Range(0, (int)Math.Round(Math.Log10(hi / lo)) + 1).Select(i => lo * Math.Pow(10, i))
            : Enumerable.Range(0, 6).Select(i => lo + ((hi - lo) * i / 5));
        foreach (double tick in ticks)
        {
            double y = Y(tick);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{y:0.#}\" x2=\"{Left + plotWidth}\" y2=\"{y:0.#}\" stroke=\"#ddd\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{tick.ToString("G4", CultureInfo.InvariantCulture)}</text>\n");
        }

        for (int i = 0; i < xLabels.Count; i++)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(i):0.#}\" y=\"{Top + plotHeight + 18}\" text-anchor=\"middle\">{Escape(xLabels[i])}</text>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + (plotWidth / 2)}\" y=\"{Height - 10}\" text-anchor=\"middle\">{Escape(xTitle)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"16\" y=\"{Top + (plotHeight / 2)}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {Top + (plotHeight / 2)})\">{Escape(yTitle)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotWidth}\" height=\"{plotHeight}\" fill=\"none\" stroke=\"#888\"/>\n");
        for (int s = 0; s < series.Count; s++)
        {
            string color = Colors[s % Colors.Length];
            string points = string.Join(' ', series[s].Points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{X(p.X):0.#},{Y(p.Y):0.#}")));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{points}\"/>\n");
            foreach ((double x, double y) in series[s].Points)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(x):0.#}\" cy=\"{Y(y):0.#}\" r=\"3\" fill=\"{color}\"/>\n");
            }

            int legendY = Top + 10 + (s * 18);
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Width - Right + 15}\" y=\"{legendY - 9}\" width=\"12\" height=\"12\" fill=\"{color}\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right + 32}\" y=\"{legendY + 1}\">{Escape(series[s].Label)}</text>\n");
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>1, 2 or 5 times a power of ten, at least <paramref name="value"/>.</summary>
    public static double NiceCeiling(double value)
    {
        if (value <= 0)
        {
            return 1;
        }

        double power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (double step in (double[])[1, 2, 5, 10])
        {
            if (step * power >= value)
            {
                return step * power;
            }
        }

        return 10 * power;
    }

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
