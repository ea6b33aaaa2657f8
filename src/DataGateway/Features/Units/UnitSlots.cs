using System.Threading.RateLimiting;

namespace DataGateway.Features.Units;

/// <summary>
/// One unit's call slots: at most <c>permitLimit</c> calls in flight; a call that finds them all taken waits its turn,
/// oldest first, but for no longer than <see cref="MaxWait"/>, and is then refused (the unit is busy).
/// <para>
/// Why the wait is bounded: a hung unit frees a slot only when a call to it times out. With unbounded waiting, under
/// load the queue grows until calls get a slot so late that the query deadline cuts them off before their own attempt
/// timeout; a cancelled call is no evidence to the circuit breaker, so it never opens and every query waits out the
/// whole deadline. Bounded, every call that gets a slot can run into its own timeout, which the breaker counts, and a
/// call that cannot get one is answered at once instead of at the deadline.
/// </para>
/// </summary>
internal sealed class UnitSlots : IDisposable
{
    private static readonly RateLimitLease Refused = new RefusedLease();

    private readonly ConcurrencyLimiter _limiter;
    private readonly int _permitLimit;
    private readonly TimeProvider _timeProvider;

    public UnitSlots(int permitLimit, int queueLimit, TimeSpan maxWait, TimeProvider timeProvider)
    {
        _permitLimit = permitLimit;
        _timeProvider = timeProvider;
        MaxWait = maxWait;
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = permitLimit,
            QueueLimit = queueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>The longest a call waits for a slot before it is refused.</summary>
    public TimeSpan MaxWait { get; }

    /// <summary>Calls holding a slot now.</summary>
    public int InFlight => _permitLimit - (int)(_limiter.GetStatistics()?.CurrentAvailablePermits ?? _permitLimit);

    /// <summary>Calls waiting for a slot now.</summary>
    public int Waiting => (int)(_limiter.GetStatistics()?.CurrentQueuedCount ?? 0);

    /// <summary>A slot, or a lease that is not acquired (queue full, or no slot freed within <see cref="MaxWait"/>).</summary>
    public async ValueTask<RateLimitLease> AcquireAsync(CancellationToken cancellationToken)
    {
        // The common case takes a free slot without a timer.
        var lease = _limiter.AttemptAcquire();
        if (lease.IsAcquired || MaxWait <= TimeSpan.Zero)
        {
            return lease;
        }

        lease.Dispose();
        using var waited = new CancellationTokenSource(MaxWait, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, waited.Token);
        try
        {
            return await _limiter.AcquireAsync(1, linked.Token);
        }
        catch (OperationCanceledException) when (waited.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Refused;
        }
    }

    public void Dispose() => _limiter.Dispose();

    private sealed class RefusedLease : RateLimitLease
    {
        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
