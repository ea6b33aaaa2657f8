using DataGateway.Domain.Audit;

namespace DataGateway.Features.Audit;

/// <summary>
/// The audit trail: every data access appends one record here before its answer leaves the gateway. If the append
/// throws <see cref="AuditUnavailableException"/>, the caller must refuse the request and return nothing
/// (<see cref="AuditErrors.Unavailable"/>): there is no unaudited access.
/// </summary>
public interface IAuditTrail
{
    /// <summary>
    /// Appends <paramref name="access"/> as the next record of the chain and returns it once it is durable (committed
    /// and synced to disk).
    /// </summary>
    /// <param name="access">What was accessed; its subject identifier is stored only as a keyed hash.</param>
    /// <param name="cancellationToken">
    /// Cancels only the wait for the trail; a write that has begun completes. Pass <see cref="CancellationToken.None"/>
    /// to record an access that has already happened (units were asked) even though the caller went away.
    /// </param>
    /// <exception cref="AuditUnavailableException">The record could not be written.</exception>
    /// <exception cref="ArgumentException"><paramref name="access"/> is not a valid record (a bug in the caller).</exception>
    Task<AuditRecord> AppendAsync(AccessRecord access, CancellationToken cancellationToken);

    /// <summary>
    /// Appends <paramref name="accesses"/> as consecutive records of the chain, in order, in one transaction: all of
    /// them are durable when this returns, or none was stored. For one access that is recorded item by item (an estate
    /// inquiry writes one record per data item): a hundred appends awaited one after another would each wait for
    /// their own sync.
    /// </summary>
    /// <param name="accesses">At least one record; each is validated as <see cref="AppendAsync"/> validates it.</param>
    /// <param name="cancellationToken">As for <see cref="AppendAsync"/>.</param>
    /// <returns>The stored records, in the order given.</returns>
    /// <exception cref="AuditUnavailableException">The records could not be written; none was stored.</exception>
    /// <exception cref="ArgumentException">A record is not valid, or there is none (a bug in the caller); none was stored.</exception>
    Task<IReadOnlyList<AuditRecord>> AppendAllAsync(IReadOnlyList<AccessRecord> accesses, CancellationToken cancellationToken);
}

/// <summary>The audit trail cannot be written; the request that needed it must be refused.</summary>
public sealed class AuditUnavailableException : Exception
{
    public AuditUnavailableException()
        : base("The audit trail cannot be written.")
    {
    }

    public AuditUnavailableException(string message)
        : base(message)
    {
    }

    public AuditUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
