using System.Diagnostics;
using HdrHistogram;

namespace DataGateway.Bench;

/// <summary>Latencies in microseconds, from an HDR histogram (3 significant digits, 1 µs to 10 min).</summary>
internal sealed class Latencies
{
    private readonly LongConcurrentHistogram _histogram = new(1, 600_000_000, 3);

    public void Record(TimeSpan latency) => _histogram.RecordValue(Math.Clamp((long)(latency.Ticks / 10), 1, 600_000_000));

    public long Count => _histogram.TotalCount;

    public double P50Ms => Ms(50);

    public double P90Ms => Ms(90);

    public double P99Ms => Ms(99);

    public double P999Ms => Ms(99.9);

    public double MaxMs => Count == 0 ? double.NaN : _histogram.GetMaxValue() / 1000.0;

    public double MeanMs => Count == 0 ? double.NaN : _histogram.GetMean() / 1000.0;

    public double Ms(double percentile) => Count == 0 ? double.NaN : _histogram.GetValueAtPercentile(percentile) / 1000.0;

    public double Us(double percentile) => Count == 0 ? double.NaN : _histogram.GetValueAtPercentile(percentile);
}

/// <summary>What one open-loop run measured.</summary>
internal sealed record LoadResult(double TargetRate, double AchievedRate, long Sent, long Failed, long Incomplete, Latencies Latencies, TimeSpan Elapsed)
{
    /// <summary>Calls that did not end with a usable answer: errors plus answers the check rejected.</summary>
    public long Bad => Failed + Incomplete;
}

/// <summary>How one call ended, as the scenario's check judged it.</summary>
internal enum CallOutcome
{
    Ok,

    /// <summary>Answered, but not as it should be (e.g. a unit without a status it should have).</summary>
    Incomplete,

    Failed,
}

/// <summary>
/// Open-loop load: call i is due at start + i / rate whatever happened to earlier calls, so a slow server cannot slow
/// the load down and hide its own queueing (coordinated omission). Each latency is measured from the call's due time,
/// not from when the bench got round to sending it.
/// </summary>
internal static class OpenLoop
{
    public static async Task<LoadResult> RunAsync(
        double rate,
        TimeSpan duration,
        Func<long, CancellationToken, Task<CallOutcome>> call,
        CancellationToken cancellationToken,
        Action<long, TimeSpan, CallOutcome>? observe = null)
    {
        var total = Math.Max(1, (long)Math.Round(rate * duration.TotalSeconds));
        var latencies = new Latencies();
        long failed = 0;
        long incomplete = 0;
        var pending = new List<Task>((int)Math.Min(total, 1_000_000));
        var clock = Stopwatch.StartNew();
        long next = 0;
        while (next < total)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var due = Math.Min(total, (long)(clock.Elapsed.TotalSeconds * rate) + 1);
            for (; next < due; next++)
            {
                var index = next;
                var dueAt = TimeSpan.FromSeconds(index / rate);
                pending.Add(RunOneAsync(index, dueAt));
            }

            if (next < total)
            {
                var wait = TimeSpan.FromSeconds(next / rate) - clock.Elapsed;
                if (wait > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(wait, cancellationToken);
                }
                else
                {
                    await Task.Yield();
                }
            }
        }

        var sentFor = clock.Elapsed;
        await Task.WhenAll(pending);
        return new LoadResult(rate, total / sentFor.TotalSeconds, total, failed, incomplete, latencies, clock.Elapsed);

        async Task RunOneAsync(long index, TimeSpan dueAt)
        {
            CallOutcome outcome;
            try
            {
                outcome = await call(index, cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                outcome = CallOutcome.Failed;
            }

            var latency = clock.Elapsed - dueAt;
            latencies.Record(latency);
            if (outcome == CallOutcome.Failed)
            {
                Interlocked.Increment(ref failed);
            }
            else if (outcome == CallOutcome.Incomplete)
            {
                Interlocked.Increment(ref incomplete);
            }

            observe?.Invoke(index, dueAt + latency, outcome);
        }
    }
}
