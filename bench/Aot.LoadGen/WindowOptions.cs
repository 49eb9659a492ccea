using System.CommandLine;
using Aot.LoadGen.Load;

namespace Aot.LoadGen;

/// <summary>The window-rule options <c>suite</c> and <c>run</c> share: <c>--min-requests</c> and <c>--max-stretch</c>.</summary>
internal sealed class WindowOptions
{
    public Option<int> MinRequests { get; } = new("--min-requests")
    {
        Description = "Fewest completed requests for a window to count as a result; the window is stretched until that many have started.",
        DefaultValueFactory = _ => LoadOptions.DefaultMinRequests,
    };

    public Option<double> MaxStretch { get; } = new("--max-stretch")
    {
        Description = "Longest a window may last, as a multiple of its nominal length (≥ 1).",
        DefaultValueFactory = _ => LoadOptions.DefaultMaxStretch,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(MinRequests);
        command.Options.Add(MaxStretch);
    }
}
