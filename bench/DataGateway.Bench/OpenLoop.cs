using System.Diagnostics;
using DataGateway.Timing;
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
/// <para>
/// The calls leave from a thread of their own that sleeps until each due time with <see cref="MonotonicSleep"/>, not from
/// <c>Task.Delay</c>: .NET timers fire a millisecond or more late on this VM (the timer thread, then a thread-pool
/// hop), and measured from the due time that lateness was in every latency at rates below 1,000/s — S2's hits showed
/// p50 3.0 ms at 250 q/s and 0.5 ms at 1,000, where the loop stopped sleeping; S1's direct baseline sat 1.2–3.2 ms
/// above its 20 ms floor.
/// </para>
/// </summary>
internal static class OpenLoop
{
    public static Task<LoadResult> RunAsync(
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
        var done = new TaskCompletionSource<LoadResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        // One clock for the due times and the latencies: the sender sleeps to timestamps on it.
        var start = Stopwatch.GetTimestamp();
        var sender = new Thread(() =>
        {
            try
            {
                for (long next = 0; next < total; next++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var dueAt = TimeSpan.FromSeconds(next / rate);
                    MonotonicSleep.Until(start + (long)(dueAt.TotalSeconds * Stopwatch.Frequency), cancellationToken);
                    // Started here: the call runs on this thread until its first await, as the bench's sends always did.
                    pending.Add(RunOneAsync(next, dueAt));
                }

                var sentFor = Stopwatch.GetElapsedTime(start);
                Task.WhenAll(pending).ContinueWith(
                    _ => done.TrySetResult(new LoadResult(rate, total / sentFor.TotalSeconds, total, failed, incomplete, latencies, Stopwatch.GetElapsedTime(start))),
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }
            catch (OperationCanceledException ex)
            {
                done.TrySetCanceled(ex.CancellationToken);
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "open-loop sender",
        };
        sender.Start();
        return done.Task;

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

            var latency = Stopwatch.GetElapsedTime(start) - dueAt;
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

