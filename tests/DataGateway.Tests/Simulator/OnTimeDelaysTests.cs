using System.Diagnostics;
using DataGateway.Simulator.Units;
using DataGateway.Timing;

namespace DataGateway.Tests.Simulator;

/// <summary>
/// The real-clock primitives behind the simulator's unit latency and the bench's send times. They exist to keep real
/// time, so these tests run on the real clock (no fake clock can stand in for clock_nanosleep); they check order, lower
/// bounds and cancellation, never how fast anything is, and each takes tens of milliseconds.
/// </summary>
public sealed class OnTimeDelaysTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(20)]
    public async Task Delay_EndsNoSoonerThanAsked(int milliseconds)
    {
        var started = Stopwatch.GetTimestamp();

        await OnTimeDelays.Shared.Delay(TimeSpan.FromMilliseconds(milliseconds), CancellationToken.None).WaitAsync(Guard);

        Assert.True(Stopwatch.GetElapsedTime(started) >= TimeSpan.FromMilliseconds(milliseconds));
    }

    [Fact]
    public async Task Delays_EndInTheOrderOfTheirDeadlines_NotOfTheirAsking()
    {
        var slow = OnTimeDelays.Shared.Delay(TimeSpan.FromMilliseconds(60), CancellationToken.None);
        var fast = OnTimeDelays.Shared.Delay(TimeSpan.FromMilliseconds(10), CancellationToken.None);
        var middle = OnTimeDelays.Shared.Delay(TimeSpan.FromMilliseconds(35), CancellationToken.None);

        // WhenAny gives whichever ends first (a queue served in the order of asking would end the slow one first). The
        // lists are in deadline order: if a stalled machine let several end before WhenAny is called, it gives the first
        // of those listed.
        Assert.Same(fast, await Task.WhenAny(fast, middle, slow).WaitAsync(Guard));
        Assert.Same(middle, await Task.WhenAny(middle, slow).WaitAsync(Guard));
        await slow.WaitAsync(Guard);
    }

    [Fact]
    public async Task ManyDelaysAtOnce_AllEnd()
    {
        var delays = Enumerable.Range(0, 500)
            .Select(i => OnTimeDelays.Shared.Delay(TimeSpan.FromMilliseconds(1 + (i % 20)), CancellationToken.None))
            .ToList();

        await Task.WhenAll(delays).WaitAsync(Guard);

        Assert.All(delays, d => Assert.True(d.IsCompletedSuccessfully));
    }

    [Fact]
    public async Task CancelledDelay_EndsCancelled_WithoutWaitingForItsDeadline()
    {
        using var cancel = new CancellationTokenSource();
        var delay = OnTimeDelays.Shared.Delay(TimeSpan.FromHours(1), cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => delay.WaitAsync(Guard));
        Assert.True(delay.IsCanceled);
    }

    [Fact]
    public void NothingToWait_EndsAtOnce()
    {
        Assert.True(OnTimeDelays.Shared.Delay(TimeSpan.Zero, CancellationToken.None).IsCompletedSuccessfully);
        Assert.True(OnTimeDelays.Shared.Delay(TimeSpan.FromSeconds(1), new CancellationToken(canceled: true)).IsCanceled);
    }

    [Fact]
    public void SleepUntil_ReturnsNoSoonerThanTheDeadline_AndAtOnceForOneInThePast()
    {
        var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 100);

        MonotonicSleep.Until(deadline);

        Assert.True(Stopwatch.GetTimestamp() >= deadline);
        MonotonicSleep.Until(Stopwatch.GetTimestamp() - Stopwatch.Frequency);
    }

    [Fact]
    public void SleepUntil_SeesCancellation()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        Assert.Throws<OperationCanceledException>(() => MonotonicSleep.Until(Stopwatch.GetTimestamp() + Stopwatch.Frequency * 3600, cancel.Token));
    }
}
