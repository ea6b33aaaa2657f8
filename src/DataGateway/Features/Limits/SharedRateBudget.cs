using System.Globalization;
using System.Threading.RateLimiting;
using DataGateway.Features.Caching;
using DataGateway.Features.Privacy;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace DataGateway.Features.Limits;

/// <summary>
/// Per-user request budgets kept in the shared Redis, so N replicas behind a load balancer together allow a user the
/// configured rate, not N times it. The bucket is GCRA (a token bucket stored as one "theoretical arrival time" per
/// user): one key, one round trip, evaluated atomically by a Lua script, and the same shape as the in-process bucket
/// it replaces (a burst of a minute's budget, refilled evenly).
/// <para>
/// Keys hold a keyed hash of the partition (user or address), never the account id or the address itself. Time comes
/// from the gateway's TimeProvider (replicas' clocks are NTP-synchronised; a skew of a few milliseconds moves a refill
/// by as much, nothing more). While Redis is unreachable the caller falls back to its in-process bucket: a user can
/// then get up to N budgets for the outage, which is the better failure than refusing everyone.
/// </para>
/// </summary>
internal sealed class SharedRateBudget(
    IConnectionMultiplexer redis,
    IOptions<RedisOptions> options,
    KeyedHasher hasher,
    TimeProvider timeProvider)
{
    // KEYS[1] bucket; ARGV: now µs, µs per request, burst window µs. Returns 0 when allowed, else µs until it would be.
    private const string Script = """
        local now = tonumber(ARGV[1])
        local interval = tonumber(ARGV[2])
        local window = tonumber(ARGV[3])
        local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
        if tat < now then tat = now end
        local next_tat = tat + interval
        if next_tat - now > window then
          return math.max(1, math.ceil(next_tat - now - window))
        end
        redis.call('SET', KEYS[1], string.format('%.0f', next_tat), 'PX', math.ceil((next_tat - now) / 1000) + 1)
        return 0
        """;

    private readonly string _prefix = options.Value.InstanceName + "limits:";

    /// <summary>
    /// Takes one request from the partition's budget. Null when Redis cannot answer in time (the caller decides
    /// locally); otherwise Zero when allowed, or how long until a request would be.
    /// </summary>
    public async Task<TimeSpan?> TryTakeAsync(string partition, int perMinute, CancellationToken cancellationToken)
    {
        if (!redis.IsConnected)
        {
            return null;
        }

        var intervalMicros = 60_000_000.0 / perMinute;
        var nowMicros = timeProvider.GetUtcNow().ToUnixTimeMilliseconds() * 1000.0;
        try
        {
            var result = await redis.GetDatabase().ScriptEvaluateAsync(
                Script,
                [new RedisKey(_prefix + hasher.Hash(partition))],
                [
                    nowMicros.ToString("F0", CultureInfo.InvariantCulture),
                    intervalMicros.ToString("F3", CultureInfo.InvariantCulture),
                    (intervalMicros * perMinute).ToString("F3", CultureInfo.InvariantCulture),
                ]).WaitAsync(cancellationToken);
            var waitMicros = (long)result;
            return waitMicros <= 0 ? TimeSpan.Zero : TimeSpan.FromMicroseconds(waitMicros);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return null;
        }
    }
}

/// <summary>
/// One partition's limiter over <see cref="SharedRateBudget"/>, with the in-process bucket as its fallback. The
/// synchronous attempt always defers to the asynchronous path (the rate-limiting middleware then calls
/// <see cref="AcquireAsyncCore"/>), because the shared answer needs a round trip.
/// </summary>
internal sealed class SharedBucketLimiter(string partition, int perMinute, SharedRateBudget budget, RateLimiter fallback) : RateLimiter
{
    private static readonly RateLimitLease Deferred = new Lease(false, null);
    private static readonly RateLimitLease Granted = new Lease(true, null);

    public override TimeSpan? IdleDuration => fallback.IdleDuration;

    public override RateLimiterStatistics? GetStatistics() => fallback.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Deferred;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        var wait = await budget.TryTakeAsync(partition, perMinute, cancellationToken);
        return wait switch
        {
            null => await fallback.AcquireAsync(permitCount, cancellationToken),
            { } zero when zero == TimeSpan.Zero => Granted,
            { } retryAfter => new Lease(false, retryAfter),
        };
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            fallback.Dispose();
        }

        base.Dispose(disposing);
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired { get; } = acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
