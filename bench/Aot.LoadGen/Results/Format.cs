using System.Globalization;

namespace Aot.LoadGen.Results;

/// <summary>Number formatting for the report: invariant culture, "–" for missing values.</summary>
internal static class Format
{
    public static string Ms(double? value) => value is { } v ? v.ToString(v < 1 ? "0.000" : v < 100 ? "0.00" : "0", CultureInfo.InvariantCulture) : "–";

    public static string Us(double? milliseconds) => milliseconds is { } v ? (v * 1000).ToString("0", CultureInfo.InvariantCulture) + " µs" : "–";

    public static string Rate(double? value) => value is { } v ? v.ToString(v < 100 ? "0.0" : "0", CultureInfo.InvariantCulture) : "–";

    public static string Mb(double? value) => value is { } v ? v.ToString("0", CultureInfo.InvariantCulture) : "–";

    public static string Ratio(double? numerator, double? denominator) =>
        numerator is { } n && denominator is { } d && d > 0 ? (n / d).ToString("0.00", CultureInfo.InvariantCulture) + "×" : "–";

    public static string Num(double? value, string format = "0.###") => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "–";

    public static string Verdict(bool? met) => met switch { true => "**met**", false => "**missed**", null => "not measured" };
}
