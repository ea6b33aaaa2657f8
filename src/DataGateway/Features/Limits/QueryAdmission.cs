using System.Threading.RateLimiting;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace DataGateway.Features.Limits;

/// <summary>
/// Load shedding for integrated queries: at most <see cref="LimitsOptions.MaxQueriesInFlight"/> run at once on this
/// replica, and one more is refused at once (RESOURCE_EXHAUSTED; over REST 429 with Retry-After). Past its capacity a
/// gateway that admits everything queues: every query gets slower until all of them miss their deadlines. Refusing the
/// excess keeps the admitted ones fast, and the caller learns at once to come back. Nothing has been looked up when a
/// query is refused, so there is nothing to audit, as with the per-user rate limits.
/// </summary>
internal sealed partial class QueryAdmission(IOptions<LimitsOptions> options, ILogger<QueryAdmission> logger) : IDisposable
{
    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = options.Value.MaxQueriesInFlight,
        QueueLimit = 0,
    });

    /// <summary>Admits the query (dispose the lease when it has been answered) or throws RESOURCE_EXHAUSTED.</summary>
    public RateLimitLease Admit(ServerCallContext context)
    {
        var lease = _limiter.AttemptAcquire();
        if (lease.IsAcquired)
        {
            return lease;
        }

        lease.Dispose();
        var limit = options.Value.MaxQueriesInFlight;
        Log.Shed(logger, limit);
        // A second is long enough for the queries in flight to drain at any rate this replica can serve.
        context.GetHttpContext().Response.Headers.RetryAfter = "1";
        throw new RpcException(new Status(
            StatusCode.ResourceExhausted,
            $"the gateway is at capacity ({limit} queries in flight, Limits:MaxQueriesInFlight); retry after the time in Retry-After"));
    }

    public void Dispose() => _limiter.Dispose();

    private static partial class Log
    {
        // Warning: every one is a judge or notary turned away; a stream of them means the replica needs help.
        [LoggerMessage(EventId = 60, Level = LogLevel.Warning, Message = "Query refused: {Limit} queries already in flight on this replica")]
        public static partial void Shed(ILogger logger, int limit);
    }
}
