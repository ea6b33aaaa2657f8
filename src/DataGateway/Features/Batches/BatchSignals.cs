using System.Collections.Concurrent;

namespace DataGateway.Features.Batches;

/// <summary>
/// In-process signals between the parts of the feature: new work for the runner, and progress of a batch for its
/// watchers, so neither polls the store while the change happens on this replica. Changes made by other replicas are
/// picked up by the periodic reads both fall back to (<see cref="BatchesOptions.PollSeconds"/>).
/// </summary>
internal sealed class BatchSignals
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _changes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _ends = new(StringComparer.Ordinal);
    private TaskCompletionSource _work = NewSource();

    /// <summary>
    /// Completes at the next <see cref="Changed"/> of the batch. Take it before reading the batch, so a change between the
    /// read and the wait is not missed.
    /// </summary>
    public Task NextChangeAsync(string batchId) => _changes.GetOrAdd(batchId, static _ => NewSource()).Task;

    /// <summary>The batch's progress or state changed.</summary>
    public void Changed(string batchId)
    {
        if (_changes.TryRemove(batchId, out var source))
        {
            source.TrySetResult();
        }
    }

    /// <summary>
    /// Completes at the next <see cref="Ended"/> of the batch: a watcher that waits between progress reads reads the end at
    /// once. Take it before reading the batch, as <see cref="NextChangeAsync"/>.
    /// </summary>
    public Task NextEndAsync(string batchId) => _ends.GetOrAdd(batchId, static _ => NewSource()).Task;

    /// <summary>The batch was completed or cancelled here; also a <see cref="Changed"/>.</summary>
    public void Ended(string batchId)
    {
        if (_ends.TryRemove(batchId, out var source))
        {
            source.TrySetResult();
        }

        Changed(batchId);
    }

    /// <summary>Completes when work is submitted after this call.</summary>
    public Task NextWorkAsync() => Volatile.Read(ref _work).Task;

    /// <summary>A batch was stored: the runner should look for subjects now.</summary>
    public void WorkSubmitted() => Interlocked.Exchange(ref _work, NewSource()).TrySetResult();

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
