using System.Collections.Concurrent;
using DataGateway.Features.Audit;
using DataGateway.Features.Units;
using Microsoft.Extensions.Options;

namespace DataGateway.Features.Batches;

/// <summary>
/// Runs batches in the background: leases subjects from the store, asks the units about at most
/// <see cref="BatchesOptions.MaxSubjectsInFlight"/> of them at a time (<see cref="BatchSubjectAsker"/>), records each
/// access and stores each subject's answers (<see cref="BatchWriter"/>). Every unit's own concurrency limit still applies
/// inside the fan-out, so a large batch queues at the units' limiters, never overruns them.
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
    BatchWriter writer,
    BatchSignals signals,
    IOptions<BatchesOptions> options,
    ResilienceProfiles resilience,
    TimeProvider timeProvider,
    ILogger<BatchRunner> logger) : BackgroundService
{
    /// <summary>Subjects held per place among those asking units: see <see cref="ExecuteAsync"/>.</summary>
    private const int HeldPerAsking = 4;

    private readonly ConcurrentDictionary<(string BatchId, int Position), CancellationTokenSource> _inFlight = new();
    private readonly ConcurrentDictionary<string, byte> _abandoned = new(StringComparer.Ordinal);
    private DateTimeOffset _pausedUntil;
    private int _asking;
    private TaskCompletionSource _freed = NewSignal();

    /// <summary>The id this runner leases subjects under, unique to this process (<see cref="BatchReplica"/>).</summary>
    public string ReplicaId { get; } = BatchReplica.NewId(options.Value.ReplicaId);

    /// <summary>Subjects this replica is asking about now.</summary>
    public int InFlight => _inFlight.Count;

    /// <summary>Abandons this replica's questions about the batch's subjects (it has been cancelled), and asks no more of them.</summary>
    public void Abandon(string batchId)
    {
        // First, so a subject leased next is dropped even if a question in flight ends (and makes room) right now. Only
        // a running loop reads (and forgets) the marks.
        if (options.Value.RunnerEnabled)
        {
            _abandoned[batchId] = 0;
        }

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

    /// <summary>
    /// The loop: keeps <see cref="BatchesOptions.MaxSubjectsInFlight"/> subjects asking units, and a few more leased and
    /// ready to start, so that a subject whose units have answered is replaced at once rather than after a claim.
    /// <para>
    /// Three stages, each bounded. Asking the units: at most MaxSubjectsInFlight subjects; each asks all its units at
    /// once, so that is also the most calls the batches put on one unit (see the option for its size). Next up: leased,
    /// not yet asked, at most a quarter of that; claimed in the background once a quarter of the room is free, so claims
    /// are few (each is a write transaction, and on SQLite it may wait for the file's lock behind the audit trail) and
    /// never keep the units waiting. Recording and storing: subjects whose units have answered wait for their audit
    /// record and their result to be written, a group at a time, while others ask the units; at most
    /// <see cref="HeldPerAsking"/> times MaxSubjectsInFlight subjects are held in all, so a slow store holds back the
    /// claims, not the memory.
    /// </para>
    /// </summary>
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
        var deadline = TimeSpan.FromMilliseconds(resilience.Options.QueryDeadlineMs);
        var lease = TimeSpan.FromSeconds(Math.Max(settings.LeaseSeconds, 2 * deadline.TotalSeconds));
        // A subject waits next up only while its lease keeps twice the deadline for the asking; with none to spare, none waits.
        var spare = lease - (2 * deadline);
        var asking = settings.MaxSubjectsInFlight;
        var claimAtLeast = Math.Max(1, asking / 4);
        var nextUpLimit = spare > TimeSpan.Zero ? claimAtLeast : 0;
        var held = HeldPerAsking * asking;
        var running = new List<Task>();
        var nextUp = new Queue<(LeasedSubject Subject, DateTimeOffset ClaimedAt)>();
        Task<IReadOnlyList<LeasedSubject>>? claiming = null;
        (DateTimeOffset At, int Limit) claim = default;
        try
        {
            Log.Started(logger, replica, lease.TotalSeconds);
            var mayClaim = true;
            while (!stoppingToken.IsCancellationRequested)
            {
                // Taken before counting, so a subject finishing or work submitted meanwhile wakes the wait below.
                var work = signals.NextWorkAsync();
                var freed = Volatile.Read(ref _freed).Task;
                running.RemoveAll(t => t.IsCompleted);
                var now = timeProvider.GetUtcNow();

                if (claiming is { IsCompleted: true })
                {
                    var claimed = await ClaimedAsync(claiming, poll);
                    claiming = null;
                    foreach (var subject in claimed)
                    {
                        nextUp.Enqueue((subject, claim.At));
                    }

                    // Fewer than asked for: there is no more work now; look again after the next wake.
                    mayClaim &= claimed.Count == claim.Limit;
                }

                DropAbandoned(nextUp, forget: claiming is null);
                var release = new List<LeasedSubject>();
                while (now >= _pausedUntil && nextUp.Count > 0 && Volatile.Read(ref _asking) < asking && running.Count < held)
                {
                    var (subject, claimedAt) = nextUp.Dequeue();
                    if (now - claimedAt > spare)
                    {
                        // Waited too long for its turn (the runner was paused): its lease no longer covers the asking.
                        release.Add(subject);
                        continue;
                    }

                    Interlocked.Increment(ref _asking);
                    running.Add(ProcessAsync(subject, poll, stoppingToken));
                }

                if (release.Count > 0)
                {
                    await ReleaseAsync(release);
                }

                // Room for the subjects asking units and those next up, within what may be held in all.
                var room = Math.Min(asking + nextUpLimit - Volatile.Read(ref _asking), held - running.Count) - nextUp.Count;
                if (claiming is null && mayClaim && now >= _pausedUntil && room >= claimAtLeast)
                {
                    claim = (now, room);
                    claiming = writer.ClaimAsync(replica, room, lease, stoppingToken);
                }

                await WaitAsync(freed, work, claiming, poll, stoppingToken);
                mayClaim = true;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            // Leased but never asked: given back at once for any replica to take.
            var unasked = nextUp.Select(n => n.Subject).ToList();
            if (claiming is not null)
            {
                try
                {
                    unasked.AddRange(await claiming);
                }
                catch (Exception)
                {
                    // Nothing was leased (the claim was abandoned, or failed).
                }
            }

            if (unasked.Count > 0)
            {
                await ReleaseAsync(unasked);
            }

            // Each question in flight sees the stop, gives its subject back and ends.
            await Task.WhenAll(running);
        }
    }

    /// <summary>The subjects a claim leased; none when it failed (then the runner pauses for a poll interval).</summary>
    private async Task<IReadOnlyList<LeasedSubject>> ClaimedAsync(Task<IReadOnlyList<LeasedSubject>> claiming, TimeSpan poll)
    {
        try
        {
            return await claiming;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.ClaimFailed(logger, ex);
            Pause(poll);
            return [];
        }
    }

    /// <summary>Drops subjects of batches cancelled here from those next up; <paramref name="forget"/> when no claim could still return one.</summary>
    private void DropAbandoned(Queue<(LeasedSubject Subject, DateTimeOffset ClaimedAt)> nextUp, bool forget)
    {
        if (_abandoned.IsEmpty)
        {
            return;
        }

        var cancelled = _abandoned.Keys.ToHashSet(StringComparer.Ordinal);
        var keep = nextUp.Where(n => !cancelled.Contains(n.Subject.BatchId)).ToList();
        nextUp.Clear();
        foreach (var next in keep)
        {
            nextUp.Enqueue(next);
        }

        if (forget)
        {
            foreach (var batchId in cancelled)
            {
                _abandoned.TryRemove(batchId, out _);
            }
        }
    }

    /// <summary>Waits until room frees up, work is submitted, a claim ends, or the poll interval passes.</summary>
    private async Task WaitAsync(Task freed, Task work, Task? claiming, TimeSpan poll, CancellationToken stoppingToken)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var delay = Task.Delay(poll, timeProvider, wake.Token);
        await (claiming is null ? Task.WhenAny(freed, work, delay) : Task.WhenAny(freed, work, claiming, delay));
        // Ends the delay's timer; a stop shows in the loop condition.
        await wake.CancelAsync();
    }

    /// <summary>
    /// Asks about one subject, records the access and stores the outcome. Never throws: a failure gives the subject
    /// back. Its place among the subjects asking units is given up as soon as the units have answered.
    /// </summary>
    private async Task ProcessAsync(LeasedSubject subject, TimeSpan poll, CancellationToken stoppingToken)
    {
        await Task.Yield();
        var key = (subject.BatchId, subject.Position);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        _inFlight[key] = cancel;
        var askingUnits = true;
        try
        {
            var asked = await asker.AskAsync(subject, cancel.Token);
            askingUnits = false;
            LeaveAsking();
            var outcome = await asker.RecordAsync(asked);
            // Not cancellable: the access is on record, so its answers are worth keeping even as the gateway stops.
            // The writer signals the batch's watchers, once per write rather than once per subject.
            if (!await writer.StoreAsync(subject, outcome))
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
            if (askingUnits)
            {
                Interlocked.Decrement(ref _asking);
            }

            Freed();
        }
    }

    private void LeaveAsking()
    {
        Interlocked.Decrement(ref _asking);
        Freed();
    }

    private void Freed() => Interlocked.Exchange(ref _freed, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Task ReleaseAsync(LeasedSubject subject) => ReleaseAsync([subject]);

    private async Task ReleaseAsync(IReadOnlyList<LeasedSubject> subjects)
    {
        try
        {
            await store.ReleaseAsync(subjects, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The leases then simply expire.
            foreach (var subject in subjects)
            {
                Log.ReleaseFailed(logger, ex, subject.BatchId, subject.Position);
            }
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
