using Aot.LoadGen.Load;
using Xunit;

namespace Aot.Bench.Tests;

/// <summary>The window rule and verdict on made-up timestamps: no clock, no timing.</summary>
public class WindowRuleTests
{
    // Window opens at 100, nominal end 200, cap 500 (5×), 10 requests needed.
    private static readonly WindowRule Rule = new(WindowStart: 100, NominalEnd: 200, Cap: 500, TargetRequests: 10);

    [Fact]
    public void Closes_at_the_nominal_end_when_the_target_was_reached_before_it()
    {
        Assert.Equal(200, Rule.CloseTime(targetReachedAt: 150));
        Assert.False(Rule.Stretched(150));
    }

    [Fact]
    public void Stretches_until_the_target_request_started()
    {
        Assert.Equal(320, Rule.CloseTime(targetReachedAt: 320));
        Assert.True(Rule.Stretched(320));
    }

    [Fact]
    public void Never_lasts_past_the_cap()
    {
        Assert.Equal(500, Rule.CloseTime(WindowRule.NotReached));
        Assert.Equal(500, Rule.CloseTime(targetReachedAt: 900));
    }

    [Theory]
    [InlineData(1, null)]
    [InlineData(64, null)]
    [InlineData(64, 1000.0)]
    public void Target_is_the_minimum_whatever_the_load(int concurrency, double? rate)
    {
        var options = new LoadOptions(concurrency, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4), rate, MinRequests: 12);
        Assert.Equal(12, options.TargetRequests);
    }

    [Fact]
    public void Create_places_the_window_after_the_warm_up_and_the_cap_at_the_stretch()
    {
        var options = new LoadOptions(1, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), MinRequests: 3, MaxStretch: 4);
        WindowRule rule = WindowRule.Create(1000, options);
        Assert.Equal(1000 + Clock.ToTicks(TimeSpan.FromSeconds(1)), rule.WindowStart);
        Assert.Equal(rule.WindowStart + Clock.ToTicks(TimeSpan.FromSeconds(2)), rule.NominalEnd);
        Assert.Equal(rule.WindowStart + Clock.ToTicks(TimeSpan.FromSeconds(8)), rule.Cap);
        Assert.Equal(3, rule.TargetRequests);
    }

    [Fact]
    public void A_stretch_below_one_or_no_minimum_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WindowRule.Create(0, new LoadOptions(1, TimeSpan.Zero, TimeSpan.FromSeconds(1), MaxStretch: 0.5)));
        Assert.Throws<ArgumentOutOfRangeException>(() => WindowRule.Create(0, new LoadOptions(1, TimeSpan.Zero, TimeSpan.FromSeconds(1), MinRequests: 0)));
    }

    [Fact]
    public void Schedule_admits_window_requests_and_the_target_one_moves_the_close()
    {
        var schedule = new Schedule(0, new WindowRule(100, 200, 500, 3), null);
        Assert.False(schedule.Admit(50));           // warm-up: not measured, not counted
        Assert.Equal(500, schedule.End);            // target not reached: the cap
        Assert.True(schedule.Admit(120));
        Assert.True(schedule.Admit(180));
        Assert.False(schedule.HasEnded(250));
        Assert.True(schedule.Admit(260));           // the third: the window closes here
        Assert.Equal(260, schedule.End);
        Assert.True(schedule.HasEnded(260));
        Assert.Equal(3, schedule.StartedInWindow);
    }

    [Fact]
    public void Target_reached_early_closes_at_the_nominal_end()
    {
        var schedule = new Schedule(0, new WindowRule(100, 200, 500, 2), null);
        schedule.Admit(110);
        schedule.Admit(120);
        Assert.Equal(200, schedule.End);
        Assert.False(schedule.HasEnded(199));
        Assert.True(schedule.HasEnded(200));
    }

    [Theory]
    [InlineData(0, 15.0, "no request completed in 15 s")]
    [InlineData(0, 2.5, "no request completed in 2.5 s")]
    [InlineData(1, 20.0, "only 1 request completed in 20 s (at least 10 needed)")]
    [InlineData(7, 12.3, "only 7 requests completed in 12 s (at least 10 needed)")]
    public void Too_few_requests_is_no_result_and_says_so(long completed, double seconds, string expected)
    {
        Assert.Equal(expected, WindowVerdict.Note(completed, 10, seconds));
    }

    [Fact]
    public void Enough_requests_is_a_result()
    {
        Assert.Null(WindowVerdict.Note(10, 10, 4));
        Assert.Null(WindowVerdict.Note(50_000, 10, 4));
    }
}
