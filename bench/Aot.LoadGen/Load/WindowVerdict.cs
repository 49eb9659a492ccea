using System.Globalization;

namespace Aot.LoadGen.Load;

/// <summary>
/// Whether a window measured anything: fewer than the minimum completed requests is no result, and the record says
/// so in words (what results.md shows instead of latency figures).
/// </summary>
internal static class WindowVerdict
{
    /// <summary>Null when <paramref name="completed"/> ≥ <paramref name="minimum"/>; otherwise why the window is not a result.</summary>
    public static string? Note(long completed, int minimum, double windowSeconds)
    {
        string seconds = windowSeconds.ToString(windowSeconds < 1 ? "0.##" : windowSeconds < 10 ? "0.#" : "0", CultureInfo.InvariantCulture);
        return completed >= minimum ? null
            : completed == 0 ? $"no request completed in {seconds} s"
            : string.Create(CultureInfo.InvariantCulture, $"only {completed} request{(completed == 1 ? "" : "s")} completed in {seconds} s (at least {minimum} needed)");
    }
}
