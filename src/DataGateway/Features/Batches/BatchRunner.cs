using System.Collections.Concurrent;
using DataGateway.Features.Audit;
using DataGateway.Features.Units;
using Microsoft.Extensions.Options;

namespace DataGateway.Features.Batches;

/// <summary>
/// Runs batches in the background: leases subjects from the store, at most <see cref="BatchesOptions.MaxSubjectsInFlight"/>
/// at a time, asks about each (<see cref="BatchSubjectAsker"/>) and stores its answers. Every unit's own concurrency
/// limit still applies inside the fan-out, so a large batch queues at the units' limiters, never overruns them.
/// <para>
/// Durability: a subject's answers and its "finished" mark are one transaction, so a gateway stopped or killed
/// mid-batch loses no subject and never asks again about one whose answers are stored. On a clean stop the runner
/// gives its leases back for any replica to take at once; after a kill they are taken, by any replica (the restarted
/// one included: it has a new <see cref="ReplicaId"/>), once they expire.
/// </para>
/// </summary>
internal sealed partial class BatchRunner(
    IBatchStore store,
    BatchSubjectAsker asker,
    BatchSignals signals,
    IOptions<BatchesOptions> options,
    ResilienceProfiles resilience,
    TimeProvider timeProvider,
    ILogger<BatchRunner> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<(string BatchId, int Position), CancellationTokenSource> _inFlight = new();
    private DateTimeOffset _pausedUntil;

    /// <summary>The id this runner leases subjects under, unique to this process (<see cref="BatchReplica"/>).</summary>
    public string ReplicaId { get; } = BatchReplica.NewId(options.Value.ReplicaId);

    /// <summary>Subjects this replica is asking about now.</summary>
    public int InFlight => _inFlight.Count;

    /// <summary>Abandons this replica's questions about the batch's subjects (it has been cancelled).</summary>
    public void Abandon(string batchId)
    {
        foreach (var (key, cancel) in _inFlight)
        {
            if (key.BatchId == batchId)
            {
                try
                {
                    cancel.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // Finished meanwhile.
                }
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.RunnerEnabled)
        {
            return;
        }

        var replica = ReplicaId;
        var poll = TimeSpan.FromSeconds(settings.PollSeconds);
        // A live replica must never lose a subject it is still asking about: the fan-out ends by the query deadline.
        var lease = TimeSpan.FromSeconds(Math.Max(settings.LeaseSeconds, 2.0 * resilience.Options.QueryDeadlineMs / 1000));
        var running = new List<Task>();
        try
        {
            Log.Started(logger, replica, lease.TotalSeconds);
            while (!stoppingToken.IsCancellationRequested)
            {
                // Taken before the claim, so work submitted while the claim runs wakes the wait below.
                var work = signals.NextWorkAsync();
                var free = settings.MaxSubjectsInFlight - running.Count;
                var now = timeProvider.GetUtcNow();
                if (free > 0 && now >= _pausedUntil)
                {
                    IReadOnlyList<LeasedSubject> claimed;
                    try
                    {
                        claimed = await store.ClaimAsync(replica, free, now, now + lease, stoppingToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        Log.ClaimFailed(logger, ex);
                        Pause(poll);
                        claimed = [];
                    }

                    foreach (var subject in claimed)
                    {
                        running.Add(ProcessAsync(subject, poll, stoppingToken));
                    }

                    // More may be waiting: claim again at once while there is room.
                    if (claimed.Count > 0 && claimed.Count == free)
                    {
                        await WaitAsync(running, null, poll, stoppingToken);
                        continue;
                    }

                    if (claimed.Count > 0)
                    {
                        continue;
                    }
                }

                await WaitAsync(running, work, poll, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            // Each question in flight sees the stop, gives its subject back and ends.
            await Task.WhenAll(running);
        }
    }

    /// <summary>Waits until a subject finishes, work is submitted (when <paramref name="work"/> is given), or the poll interval passes.</summary>
    private async Task WaitAsync(List<Task> running, Task? work, TimeSpan poll, CancellationToken stoppingToken)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var waits = new List<Task>(running.Count + 2) { Task.Delay(poll, timeProvider, wake.Token) };
        waits.AddRange(running);
        if (work is not null)
        {
            waits.Add(work);
        }

        await Task.WhenAny(waits);
        // Ends the delay's timer; a stop shows in the loop condition.
        await wake.CancelAsync();
        running.RemoveAll(t => t.IsCompleted);
    }

    /// <summary>Asks about one subject and stores the outcome. Never throws: a failure gives the subject back.</summary>
    private async Task ProcessAsync(LeasedSubject subject, TimeSpan poll, CancellationToken stoppingToken)
    {
        await Task.Yield();
        var key = (subject.BatchId, subject.Position);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        _inFlight[key] = cancel;
        try
        {
            var outcome = await asker.AskAsync(subject, cancel.Token);
            // Not cancellable: the access is on record, so its answers are worth keeping even as the gateway stops.
            if (await store.CompleteAsync(subject, outcome, timeProvider.GetUtcNow(), CancellationToken.None))
            {
                signals.Changed(subject.BatchId);
            }
            else
            {
                Log.LeaseLost(logger, subject.BatchId, subject.Position);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // Stopping, or the batch was cancelled (then its subjects are no longer leased and this changes nothing).
            await ReleaseAsync(subject);
        }
        catch (AuditUnavailableException)
        {
            // No unaudited access: the answers are dropped, and the subject waits until the trail can be written.
            Log.AuditUnavailable(logger, subject.BatchId, subject.Position);
            Pause(poll);
            await ReleaseAsync(subject);
        }
        catch (Exception ex)
        {
            Log.SubjectFailed(logger, ex, subject.BatchId, subject.Position);
            Pause(poll);
            await ReleaseAsync(subject);
        }
        finally
        {
            _inFlight.TryRemove(key, out _);
        }
    }

    private async Task ReleaseAsync(LeasedSubject subject)
    {
        try
        {
            await store.ReleaseAsync([subject], CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The lease then simply expires.
            Log.ReleaseFailed(logger, ex, subject.BatchId, subject.Position);
        }
    }

    private void Pause(TimeSpan poll) => _pausedUntil = timeProvider.GetUtcNow() + poll;

    private static partial class Log
    {
        // Batch ids and positions only: a subject's identifier and name never reach the log.
        [LoggerMessage(EventId = 62, Level = LogLevel.Information, Message = "Batch runner started as replica {Replica}, leasing subjects for {LeaseSeconds} s")]
        public static partial void Started(ILogger logger, string replica, double leaseSeconds);

        [LoggerMessage(EventId = 63, Level = LogLevel.Error, Message = "Could not lease batch subjects from the store")]
        public static partial void ClaimFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 64, Level = LogLevel.Warning, Message = "Batch {BatchId} subject {Position}: the audit trail cannot be written; the subject waits")]
        public static partial void AuditUnavailable(ILogger logger, string batchId, int position);

        [LoggerMessage(EventId = 65, Level = LogLevel.Error, Message = "Batch {BatchId} subject {Position} failed; the subject waits")]
        public static partial void SubjectFailed(ILogger logger, Exception exception, string batchId, int position);

        [LoggerMessage(EventId = 66, Level = LogLevel.Warning, Message = "Batch {BatchId} subject {Position}: lease lost (cancelled or taken over); answers not stored")]
        public static partial void LeaseLost(ILogger logger, string batchId, int position);

        [LoggerMessage(EventId = 67, Level = LogLevel.Warning, Message = "Could not give back batch {BatchId} subject {Position}; its lease will expire")]
        public static partial void ReleaseFailed(ILogger logger, Exception exception, string batchId, int position);
    }
}
