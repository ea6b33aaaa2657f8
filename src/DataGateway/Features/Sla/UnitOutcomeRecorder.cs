using DataGateway.Contracts.V1;
using DataGateway.Domain.Catalog;

namespace DataGateway.Features.Sla;

/// <summary>
/// Per unit and minute counters of query outcomes, kept in memory and added to the store's totals in one transaction
/// per flush (by <see cref="UnitOutcomeFlusher"/>, before every scorecard read, and when the gateway stops). Replicas
/// add to the same rows, so totals are the sum over replicas. A flush that fails keeps its counts for the next one.
/// <para>
/// These counts are the only SLA figures that live in one replica's memory, and only until its next flush: a scorecard
/// read writes this replica's counts first, and another replica's reach the store within
/// <see cref="SlaOptions.OutcomeFlushIntervalMs"/> (or when it stops). Scorecards are read from the store alone, so two
/// replicas asked at once answer alike except for queries counted elsewhere in the last flush interval.
/// </para>
/// </summary>
internal sealed partial class UnitOutcomeRecorder(SlaStore store, ILogger<UnitOutcomeRecorder> logger) : IUnitOutcomeRecorder, IDisposable
{
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private int _disposed;
    private Dictionary<OutcomeKey, OutcomeCounts> _pending = [];

    public void Record(UnitDefinition unit, UnitAnswer answer, DateTimeOffset at)
    {
        if (answer.FromCache)
        {
            return;
        }

        var minute = SlaStore.MinuteOf(at);
        var bucket = answer.Status is UnitStatus.Ok or UnitStatus.NotFound ? LatencyBuckets.IndexOf(answer.LatencyMs) : -1;
        lock (_lock)
        {
            var key = new OutcomeKey(unit.Id, minute);
            if (!_pending.TryGetValue(key, out var counts))
            {
                counts = new OutcomeCounts();
                _pending[key] = counts;
            }

            counts.Add(answer.Status, answer.LatencyMs, bucket);
        }
    }

    /// <summary>Writes what has been counted since the last flush.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            Dictionary<OutcomeKey, OutcomeCounts> batch;
            lock (_lock)
            {
                if (_pending.Count == 0)
                {
                    return;
                }

                batch = _pending;
                _pending = [];
            }

            try
            {
                await store.AddOutcomesAsync(batch, CancellationToken.None);
            }
            catch (Exception ex)
            {
                // Put the counts back: a store outage delays the figures, it must not lose them.
                lock (_lock)
                {
                    foreach (var (key, counts) in batch)
                    {
                        if (_pending.TryGetValue(key, out var newer))
                        {
                            newer.Merge(counts);
                        }
                        else
                        {
                            _pending[key] = counts;
                        }
                    }
                }

                Log.FlushFailed(logger, ex, batch.Count);
                throw;
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    public void Dispose()
    {
        // Called twice (the container tracks this instance under both of its registrations). A flush still writing when
        // the container disposes its singletons (a slow stop the host gave up waiting for) holds the semaphore and
        // releases it when done: it is left undisposed then (it owns no wait handle), so that release never meets a
        // disposed object.
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && _flushing.Wait(0))
        {
            _flushing.Dispose();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 70, Level = LogLevel.Warning, Message = "Could not write {Count} unit outcome counters; they are kept for the next flush")]
        public static partial void FlushFailed(ILogger logger, Exception exception, int count);
    }
}

/// <summary>One unit in one minute (unix ms of the minute's start).</summary>
internal readonly record struct OutcomeKey(string UnitId, long MinuteMs);

/// <summary>Counters of one unit in one minute.</summary>
internal sealed class OutcomeCounts
{
    public long Asked;
    public long Answered;
    public long TimedOut;
    public long Failed;
    public long LatencySumMs;
    public long LatencyMaxMs;
    public readonly long[] Buckets = new long[LatencyBuckets.Count];

    public void Add(UnitStatus status, int latencyMs, int bucket)
    {
        Asked++;
        switch (status)
        {
            case UnitStatus.Ok or UnitStatus.NotFound:
                Answered++;
                LatencySumMs += latencyMs;
                LatencyMaxMs = Math.Max(LatencyMaxMs, latencyMs);
                Buckets[bucket]++;
                break;
            case UnitStatus.Timeout:
                TimedOut++;
                break;
            default:
                Failed++;
                break;
        }
    }

    public void Merge(OutcomeCounts other)
    {
        Asked += other.Asked;
        Answered += other.Answered;
        TimedOut += other.TimedOut;
        Failed += other.Failed;
        LatencySumMs += other.LatencySumMs;
        LatencyMaxMs = Math.Max(LatencyMaxMs, other.LatencyMaxMs);
        for (var i = 0; i < Buckets.Length; i++)
        {
            Buckets[i] += other.Buckets[i];
        }
    }
}

/// <summary>
/// The latency histogram's buckets: upper bounds in milliseconds, the last open-ended. Percentiles are read as the upper
/// bound of the bucket that holds them, so they are estimates that err on the slow side, never the fast one.
/// </summary>
internal static class LatencyBuckets
{
    public static readonly int[] UpperBoundsMs = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, int.MaxValue];

    public static int Count => UpperBoundsMs.Length;

    public static int IndexOf(int latencyMs)
    {
        for (var i = 0; i < UpperBoundsMs.Length; i++)
        {
            if (latencyMs <= UpperBoundsMs[i])
            {
                return i;
            }
        }

        return UpperBoundsMs.Length - 1;
    }

    /// <summary>The estimated <paramref name="quantile"/> (0..1), or null for an empty histogram.</summary>
    public static int? Percentile(IReadOnlyList<long> buckets, double quantile, long maxObservedMs)
    {
        var total = buckets.Sum();
        if (total == 0)
        {
            return null;
        }

        var rank = (long)Math.Ceiling(quantile * total);
        long seen = 0;
        for (var i = 0; i < buckets.Count; i++)
        {
            seen += buckets[i];
            if (seen >= Math.Max(rank, 1))
            {
                // The open-ended bucket has no bound to report; the slowest possible answer is the query deadline.
                return UpperBoundsMs[i] == int.MaxValue ? (int)Math.Min(maxObservedMs, int.MaxValue) : UpperBoundsMs[i];
            }
        }

        return null;
    }
}

/// <summary>
/// Writes the counted outcomes every <see cref="SlaOptions.OutcomeFlushIntervalMs"/>, and once more on stopping; once a
/// day it deletes minutes older than <see cref="SlaOptions.OutcomeRetentionDays"/> (every replica may: the delete is idempotent).
/// </summary>
internal sealed partial class UnitOutcomeFlusher(
    UnitOutcomeRecorder recorder,
    SlaStore store,
    SlaOptions options,
    TimeProvider timeProvider,
    ILogger<UnitOutcomeFlusher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextPrune = timeProvider.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(options.OutcomeFlushIntervalMs), timeProvider, stoppingToken);
                await recorder.FlushAsync(stoppingToken);
                var now = timeProvider.GetUtcNow();
                if (now >= nextPrune)
                {
                    nextPrune = now.AddDays(1);
                    await store.PruneAsync((now - TimeSpan.FromDays(options.OutcomeRetentionDays)).ToUnixTimeMilliseconds(), stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                // Logged by the recorder; the counts wait for the next flush.
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await recorder.FlushAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host stopped waiting (a flush still in progress holds the turn): stopping must not fail because of it.
            Log.StoppedUnflushed(logger);
        }
        catch (Exception)
        {
            // Logged by the recorder; nothing more can be done while stopping.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 72, Level = LogLevel.Warning, Message = "The gateway stopped before its last unit outcome counters were written; up to one flush interval of query figures is missing")]
        public static partial void StoppedUnflushed(ILogger logger);
    }
}
