using DataGateway.Contracts.V1;
using DataGateway.Domain.Catalog;
using DataGateway.Features.Units;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace DataGateway.Features.Matters;

/// <summary>
/// One attempt to hand a matter to its unit (AgencyService.AcceptMatter), by whoever holds the matter's lease.
/// <para>
/// The call goes through the unit's guard without the pipeline's retry (<c>idempotent: false</c>): the retry here is
/// the dispatcher's, durable and spaced out over minutes on the gateway's clock, not a quick repeat inside one attempt
/// that would hold the judge (or a lease) longer. Delivering twice is still safe — after a lost receipt, a takeover of an
/// expired lease, or two replicas racing — because the matter id is the idempotency key the unit de-duplicates on
/// (agency.proto). Sharing the guard means a matter to a unit whose circuit is open waits for the next attempt without
/// calling it.
/// </para>
/// </summary>
internal sealed partial class MatterDelivery(
    IMatterStore store,
    UnitCatalog catalog,
    AgencyClients clients,
    UnitPipelines pipelines,
    IOptions<MatterOptions> options,
    TimeProvider timeProvider,
    ILogger<MatterDelivery> logger)
{
    /// <summary>Tries once; records the result (delivered, or when to try again, or that the deadline passed). True when delivered.</summary>
    public async Task<bool> AttemptAsync(MatterRecord matter, string owner, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (!MatterLifecycle.ShouldDeliver(matter, now) || matter.SubjectIdentifier is null || !catalog.TryGetUnit(matter.UnitId, out var unit))
        {
            // Past the deadline the matter is overdue and no longer worth sending; the identifier kept for it goes.
            var reason = matter.LastError is { Length: > 0 } last ? $"not delivered before the deadline ({last})" : "not delivered before the deadline";
            await store.ScheduleRetryAsync(matter.MatterId, owner, matter.Attempts, null, reason, CancellationToken.None);
            Log.GaveUp(logger, matter.MatterId, matter.UnitId, matter.Attempts);
            return false;
        }

        var attempts = matter.Attempts + 1;
        string error;
        try
        {
            var response = await pipelines.ExecuteAsync(
                unit,
                idempotent: false,
                static async (s, token) => await s.client.AcceptMatterAsync(s.request, cancellationToken: token),
                (client: clients.For(unit), request: RequestOf(matter)),
                cancellationToken);
            await store.MarkDeliveredAsync(matter.MatterId, owner, timeProvider.GetUtcNow().ToUnixTimeMilliseconds(), attempts, NullIfEmpty(response.AcceptanceNumber), CancellationToken.None);
            Log.Delivered(logger, matter.MatterId, matter.UnitId, attempts, response.Duplicate);
            return true;
        }
        catch (BrokenCircuitException)
        {
            error = "circuit open: the unit failed repeatedly and is not being called for now";
        }
        catch (TimeoutRejectedException)
        {
            error = $"no answer within {catalog.TimeoutMsOf(unit)} ms";
        }
        catch (RateLimiterRejectedException)
        {
            error = "too many calls already waiting for this unit";
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            error = $"unit answered {ex.StatusCode}: {ex.Status.Detail}";
        }
        catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
        {
            error = "unit unreachable: " + ex.HttpRequestError;
        }

        var next = NextAttempt(now, attempts, matter.DeadlineMs);
        await store.ScheduleRetryAsync(matter.MatterId, owner, attempts, next, error, CancellationToken.None);
        Log.NotDelivered(logger, matter.MatterId, matter.UnitId, attempts, error);
        return false;
    }

    /// <summary>
    /// Exponential backoff from <see cref="MatterOptions.RetryBaseDelayMs"/> up to <see cref="MatterOptions.RetryMaxDelayMs"/>,
    /// never past the deadline: an attempt due at the deadline gives up instead.
    /// </summary>
    public long NextAttempt(DateTimeOffset now, int attempts, long deadlineMs)
    {
        var settings = options.Value;
        var delay = settings.RetryBaseDelayMs * Math.Pow(2, Math.Min(attempts - 1, 30));
        var next = now.ToUnixTimeMilliseconds() + (long)Math.Min(delay, settings.RetryMaxDelayMs);
        return Math.Min(next, deadlineMs);
    }

    private static AcceptMatterRequest RequestOf(MatterRecord matter)
    {
        var subject = new Subject { Name = matter.SubjectName };
        if (matter.SubjectKind == SubjectKinds.Organisation)
        {
            subject.CreditCode = matter.SubjectIdentifier;
        }
        else
        {
            subject.IdNumber = matter.SubjectIdentifier;
        }

        return new AcceptMatterRequest
        {
            MatterId = matter.MatterId,
            UnitId = matter.UnitId,
            Action = MatterValidator.ActionOf(matter.Action),
            Purpose = new Purpose { CaseNumber = matter.CaseNumber },
            Subject = subject,
            AssetReference = matter.AssetReference,
            AmountYuan = matter.AmountYuan ?? string.Empty,
            TermMonths = matter.TermMonths,
            Document = new MatterDocument { RulingNumber = matter.RulingNumber ?? string.Empty, NoticeNumber = matter.NoticeNumber },
            Deadline = MatterContract.TimestampOf(matter.DeadlineMs),
            RequesterHash = matter.RequesterHash,
        };
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static partial class Log
    {
        [LoggerMessage(EventId = 80, Level = LogLevel.Information, Message = "Matter {MatterId} delivered to {UnitId} (attempt {Attempts}, duplicate={Duplicate})")]
        public static partial void Delivered(ILogger logger, string matterId, string unitId, int attempts, bool duplicate);

        [LoggerMessage(EventId = 81, Level = LogLevel.Warning, Message = "Matter {MatterId} not delivered to {UnitId} (attempt {Attempts}): {Error}")]
        public static partial void NotDelivered(ILogger logger, string matterId, string unitId, int attempts, string error);

        [LoggerMessage(EventId = 82, Level = LogLevel.Warning, Message = "Matter {MatterId} to {UnitId} is past its deadline undelivered after {Attempts} attempts; no more attempts")]
        public static partial void GaveUp(ILogger logger, string matterId, string unitId, int attempts);
    }
}
