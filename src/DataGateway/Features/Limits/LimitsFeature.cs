using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using DataGateway.Domain.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace DataGateway.Features.Limits;

/// <summary>Settings of the "Limits" section: abuse limits per user and role, and request sizes.</summary>
public sealed class LimitsOptions
{
    /// <summary>Largest REST request body and gRPC message, in bytes. Default 4 MiB (a batch of 10,000 subjects fits).</summary>
    [Range(1024, 256 * 1024 * 1024)]
    public int MaxRequestBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Requests per minute for one user of a role not named in <see cref="Roles"/>. Default 120.</summary>
    [Range(1, 1_000_000)]
    public int DefaultPerMinute { get; set; } = 120;

    /// <summary>
    /// Requests per minute for one user, by role (the most generous of the user's roles applies). Defaults: judge 600,
    /// notary 300, agency-admin 600, unit 6000 (systems answering matters), auditor 300, court-system 6000.
    /// </summary>
    public Dictionary<string, int> Roles { get; set; } = new(StringComparer.Ordinal)
    {
        [DataGateway.Domain.Identity.Roles.Judge] = 600,
        [DataGateway.Domain.Identity.Roles.Notary] = 300,
        [DataGateway.Domain.Identity.Roles.AgencyAdmin] = 600,
        [DataGateway.Domain.Identity.Roles.Unit] = 6000,
        [DataGateway.Domain.Identity.Roles.Auditor] = 300,
        [DataGateway.Domain.Identity.Roles.CourtSystem] = 6000,
    };

    /// <summary>Requests per minute from one address before it has authenticated. Default 60.</summary>
    [Range(1, 1_000_000)]
    public int AnonymousPerMinute { get; set; } = 60;

    /// <summary>
    /// Integrated queries (asset queries, estate inquiries) this replica runs at once; one more is refused at once with
    /// RESOURCE_EXHAUSTED / 429 and Retry-After instead of queueing. Default 200: at its measured capacity on 2 cores
    /// (about 1,000 queries/s of 25 ms) a replica has about 25 in flight, so only an overload reaches the limit. Offered
    /// 1,500 queries/s, a replica with no limit answered at p50 2.6 s / p99 4.0 s with a quarter failing at their
    /// deadlines; with 200 it refused about half at once and answered at p50 0.15 s / p99 0.36 s. Batches are not
    /// counted: their runner has its own per-unit concurrency.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxQueriesInFlight { get; set; } = 200;
}

internal static class LimitsFeature
{
    public static WebApplicationBuilder AddLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<LimitsOptions>().BindConfiguration("Limits").ValidateDataAnnotations().ValidateOnStart();
        var limits = builder.Configuration.GetSection("Limits").Get<LimitsOptions>() ?? new LimitsOptions();

        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBytes);
        builder.Services.Configure<Grpc.AspNetCore.Server.GrpcServiceOptions>(grpc => grpc.MaxReceiveMessageSize = limits.MaxRequestBytes);

        // With a shared Redis the budgets are shared by every replica; without one (the embedded default) they are
        // this process's own.
        var redis = builder.Configuration.GetSection("Redis").Get<Caching.RedisOptions>();
        var shared = !string.IsNullOrWhiteSpace(redis?.Configuration);
        if (shared)
        {
            builder.Services.AddSingleton<SharedRateBudget>();
        }

        builder.Services.AddSingleton<QueryAdmission>();
        builder.Services.AddRateLimiter(options =>
        {
            // A token bucket per user: a burst up to a minute's budget is fine, a sustained flood is not. The bucket
            // refills evenly: every second for budgets of 60 a minute or more, else one token per 60/budget seconds.
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var (key, perMinute) = PartitionOf(context.User, context, limits);
                if (!shared)
                {
                    return RateLimitPartition.GetTokenBucketLimiter(key, _ => LocalBucket(perMinute));
                }

                var budget = context.RequestServices.GetRequiredService<SharedRateBudget>();
                return RateLimitPartition.Get(key, partition =>
                    new SharedBucketLimiter(partition, perMinute, budget, new TokenBucketRateLimiter(LocalBucket(perMinute))));
            });
            options.OnRejected = OnRejectedAsync;
        });
        return builder;
    }

    private static TokenBucketRateLimiterOptions LocalBucket(int perMinute) => new()
    {
        TokenLimit = perMinute,
        TokensPerPeriod = perMinute >= 60 ? perMinute / 60 : 1,
        ReplenishmentPeriod = perMinute >= 60 ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(60.0 / perMinute),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static (string Key, int PerMinute) PartitionOf(ClaimsPrincipal user, HttpContext context, LimitsOptions limits)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            return ("anonymous:" + context.Connection.RemoteIpAddress, limits.AnonymousPerMinute);
        }

        var perMinute = limits.DefaultPerMinute;
        var matched = false;
        foreach (var role in user.FindAll(GatewayClaimTypes.Roles))
        {
            if (limits.Roles.TryGetValue(role.Value, out var rolePerMinute))
            {
                perMinute = matched ? Math.Max(perMinute, rolePerMinute) : rolePerMinute;
                matched = true;
            }
        }

        // The token subject is a pseudonymous account id, not a citizen's identifier.
        return ("user:" + user.FindFirstValue(GatewayClaimTypes.Subject), perMinute);
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var response = rejected.HttpContext.Response;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        response.Headers.RetryAfter = seconds;
        const string message = "too many requests from this user; retry after the time in Retry-After";
        if (rejected.HttpContext.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
        {
            // gRPC maps HTTP 429 to UNAVAILABLE; a trailers-only response says RESOURCE_EXHAUSTED as the contract promises.
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/grpc";
            response.Headers["grpc-status"] = ((int)Grpc.Core.StatusCode.ResourceExhausted).ToString(CultureInfo.InvariantCulture);
            response.Headers["grpc-message"] = Uri.EscapeDataString(message);
            response.Headers["retry-after"] = seconds;
            return;
        }

        response.StatusCode = StatusCodes.Status429TooManyRequests;
        var problems = rejected.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = rejected.HttpContext,
            ProblemDetails = { Status = 429, Title = "Too many requests", Detail = message },
        });
    }
}
