using System.Collections.Concurrent;
using DataGateway.Features.Store;

namespace DataGateway.Features.Batches;

/// <summary>
/// The runner's one way to write to the store (<see cref="IBatchStore.WriteAsync"/>), with group commit: results and
/// claims that arrive while a write is in progress wait in a queue, and the next write does all of them in one
/// transaction. Each caller is answered only once that transaction has committed, so a result is durable and
/// lease-checked when its caller hears "stored", as before; what changes is that the subjects finishing together, and
/// the claim for the ones to ask next, pay for one transaction, not one each. After each write it tells the batches'
/// watchers (<see cref="BatchSignals"/>): a change once per batch written to, and the end of each batch it finished.
/// <para>
/// Why (bench S3, SQLite): a transaction per subject made each finished subject wait for the file's write lock, and at
/// batch speed those waits, not the units, set the pace. A claim of its own then waited for the lock behind the audit
/// trail's and the results' commits (SQLite's busy handler polls with growing sleeps while others keep taking the lock),
/// and the units sat idle meanwhile; riding along with the results, it is written in the next transaction, which
/// follows right after.
/// </para>
/// </summary>
internal sealed class BatchWriter(IBatchStore store, BatchSignals signals, TimeProvider timeProvider) : IDisposable
{
    /// <summary>At most this many results in one transaction; later ones go in the next.</summary>
    private const int MaxGroup = 512;

    private readonly GroupCommitGate _gate = new();
    private readonly ConcurrentQueue<PendingResult> _results = new();
    private readonly ConcurrentQueue<PendingClaim> _claims = new();

    /// <summary>
    /// Stores the subject's outcome; false when its lease is no longer held (nothing stored). Not cancellable: it is
    /// called once the access is on record, and the answers are worth keeping even as the gateway stops.
    /// </summary>
    public async Task<bool> StoreAsync(LeasedSubject subject, SubjectOutcome outcome)
    {
        var pending = new PendingResult(new SubjectCompletion(subject, outcome));
        _results.Enqueue(pending);
        return await _gate.TakeTurnAsync(pending.Result, static () => false, WriteGroupAsync, CancellationToken.None);
    }

    /// <summary>
    /// Leases up to <paramref name="limit"/> subjects to <paramref name="replicaId"/> for <paramref name="lease"/> from the
    /// moment they are written. Cancelling stops the wait only while the claim has not been taken into a write; once it
    /// has, its subjects are returned (and the caller gives them back if it no longer wants them).
    /// </summary>
    public async Task<IReadOnlyList<LeasedSubject>> ClaimAsync(string replicaId, int limit, TimeSpan lease, CancellationToken cancellationToken)
    {
        var pending = new PendingClaim(replicaId, limit, lease);
        _claims.Enqueue(pending);
        return await _gate.TakeTurnAsync(pending.Result, pending.TryAbandon, WriteGroupAsync, cancellationToken);
    }

    public void Dispose() => _gate.Dispose();

    private async Task WriteGroupAsync()
    {
        var results = new List<PendingResult>();
        while (results.Count < MaxGroup && _results.TryDequeue(out var next))
        {
            results.Add(next);
        }

        // One claim per write: the runner has at most one waiting.
        PendingClaim? claim = null;
        while (claim is null && _claims.TryDequeue(out var next))
        {
            if (next.TryTake())
            {
                claim = next;
            }
        }

        if (results.Count == 0 && claim is null)
        {
            return;
        }

        try
        {
            var now = timeProvider.GetUtcNow();
            var written = await store.WriteAsync(
                [.. results.Select(p => p.Completion)],
                claim is null ? null : new ClaimRequest(claim.ReplicaId, claim.Limit, now + claim.Lease),
                now,
                CancellationToken.None);
            var changed = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < results.Count; i++)
            {
                results[i].Complete(written.Stored[i]);
                if (written.Stored[i])
                {
                    changed.Add(results[i].Completion.Subject.BatchId);
                }
            }

            claim?.Complete(written.Claimed);
            foreach (var batchId in written.Finished)
            {
                signals.Ended(batchId);
                changed.Remove(batchId);
            }

            foreach (var batchId in changed)
            {
                signals.Changed(batchId);
            }
        }
        catch (Exception ex)
        {
            // Nothing of the group was written: each caller gives its subject back, the claimer tries again later.
            foreach (var pending in results)
            {
                pending.Fail(ex);
            }

            claim?.Fail(ex);
        }
    }

    private sealed class PendingResult(SubjectCompletion completion)
    {
        private readonly TaskCompletionSource<bool> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public SubjectCompletion Completion { get; } = completion;

        public Task<bool> Result => _result.Task;

        public void Complete(bool stored) => _result.TrySetResult(stored);

        public void Fail(Exception exception) => _result.TrySetException(exception);
    }

    /// <summary>A claim waiting for a write: taken by the write that does it, or abandoned by its cancelled caller.</summary>
    private sealed class PendingClaim(string replicaId, int limit, TimeSpan lease)
    {
        private readonly TaskCompletionSource<IReadOnlyList<LeasedSubject>> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _state;

        public string ReplicaId { get; } = replicaId;

        public int Limit { get; } = limit;

        public TimeSpan Lease { get; } = lease;

        public Task<IReadOnlyList<LeasedSubject>> Result => _result.Task;

        public bool TryTake() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;

        public bool TryAbandon() => Interlocked.CompareExchange(ref _state, 2, 0) == 0;

        public void Complete(IReadOnlyList<LeasedSubject> claimed) => _result.TrySetResult(claimed);

        public void Fail(Exception exception) => _result.TrySetException(exception);
    }
}
