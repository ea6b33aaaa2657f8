namespace DataGateway.Features.Store;

/// <summary>
/// The turn-taking of group commit, shared by the audit trail and the batch writer: callers queue their work, then take
/// turns at one gate; whoever holds it writes everything queued so far in one transaction, and a caller whose work an
/// earlier writer already did leaves without writing. A caller cancelled while waiting gives up only if no writer has
/// taken its work yet; once taken, its outcome stands and is returned.
/// </summary>
internal sealed class GroupCommitGate : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <param name="mine">Completes when the caller's queued work has been written (by anyone).</param>
    /// <param name="tryAbandon">Withdraws the queued work if no writer has taken it yet; true when withdrawn.</param>
    /// <param name="writeGroup">Writes everything queued; called holding the gate.</param>
    public async Task<T> TakeTurnAsync<T>(Task<T> mine, Func<bool> tryAbandon, Func<Task> writeGroup, CancellationToken cancellationToken)
    {
        try
        {
            await _gate.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            if (tryAbandon())
            {
                throw;
            }

            return await mine;
        }

        try
        {
            // An earlier writer may already have done this one with its own group.
            if (!mine.IsCompleted)
            {
                await writeGroup();
            }
        }
        finally
        {
            _gate.Release();
        }

        return await mine;
    }

    public void Dispose() => _gate.Dispose();
}
