using DataGateway.Contracts.V1;
using DataGateway.Domain.Catalog;
using DataGateway.Features.Caching;
using DataGateway.Features.Observability;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace DataGateway.Features.Units;

/// <summary>One question for many units: the request, the subject's keyed hash (for cache keys), and freshness.</summary>
internal sealed record UnitQuestion(AnswerQueryRequest Request, string SubjectHash, bool Fresh);

/// <summary>
/// Asks many units the same question at once and gives every unit a status. This is the one place the gateway
/// asks units for data: enforcement queries use it now, batches and estate inquiries will. Each unit's answer
/// comes from the cache or from a call through the unit's resilience pipeline; the whole fan-out is bounded by
/// the query deadline, so a hung unit costs at most its timeout and never the answer.
/// </summary>
internal sealed partial class UnitFanOut(
    UnitCatalog catalog,
    AgencyClients clients,
    UnitPipelines pipelines,
    UnitAnswerCache cache,
    UnitHealthBoard health,
    ResilienceProfiles profiles,
    DataGateway.Features.Sla.IUnitOutcomeRecorder outcomes,
    GatewayTelemetry telemetry,
    TimeProvider timeProvider,
    ILogger<UnitFanOut> logger)
{
    /// <summary>Asks every unit concurrently. Never throws for a unit's failure; the answers keep the units' order.</summary>
    public async Task<UnitAnswer[]> AskAsync(IReadOnlyList<UnitDefinition> units, UnitQuestion question, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(profiles.Options.QueryDeadlineMs), timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var calls = new Task<UnitAnswer>[units.Count];
        for (var i = 0; i < units.Count; i++)
        {
            calls[i] = AskOneAsync(units[i], question, linked.Token, cancellationToken);
        }

        return await Task.WhenAll(calls);
    }

    private async Task<UnitAnswer> AskOneAsync(UnitDefinition unit, UnitQuestion question, CancellationToken deadline, CancellationToken callerCancelled)
    {
        var answer = new UnitAnswer { UnitId = unit.Id, UnitName = unit.Name, UnitKind = unit.Kind.ToString() };
        var started = timeProvider.GetTimestamp();
        // A question that names data items (estate inquiries) asks each unit only the items it serves and is cached
        // under them; any other asks the asset kinds the unit serves.
        var byItems = question.Request.DataItems.Count > 0;
        var kinds = byItems ? [] : KindsAskedOf(unit, question.Request.AssetKinds);
        var items = byItems ? ItemsAskedOf(unit, question.Request.DataItems) : [];

        try
        {
            // The unit's own request (a deep copy of the question) is built only when the unit is called: a cached
            // answer needs none.
            var call = new UnitCall(this, unit, question.Request, kinds, items);
            var lookup = byItems
                ? await cache.GetOrFetchItemsAsync(unit, items, question.SubjectHash, question.Fresh, static (c, token) => c.RunAsync(token), call, deadline)
                : await cache.GetOrFetchAsync(unit, kinds, question.SubjectHash, question.Fresh, static (c, token) => c.RunAsync(token), call, deadline);
            answer.Status = lookup.Response.Assets.Count == 0 ? UnitStatus.NotFound : UnitStatus.Ok;
            answer.Assets.Add(lookup.Response.Assets);
            answer.FromCache = lookup.FromCache;
            telemetry.RecordCacheLookup(unit, lookup.FromCache);
            answer.AnswerAgeMs = lookup.FromCache ? ClampMs(timeProvider.GetUtcNow() - lookup.FetchedAt) : 0;
        }
        catch (UnitCallException ex)
        {
            answer.Status = ex.Status;
            answer.Detail = ex.Message;
        }
        catch (OperationCanceledException) when (!callerCancelled.IsCancellationRequested)
        {
            answer.Status = UnitStatus.Timeout;
            answer.Detail = $"no answer within the query deadline of {profiles.Options.QueryDeadlineMs} ms";
        }

        answer.LatencyMs = ClampMs(timeProvider.GetElapsedTime(started));
        health.Record(unit, answer.Status, answer.LatencyMs, timeProvider.GetUtcNow());
        // Counted in memory, written in batches: the SLA scorecards' query figures (cache hits are not counted).
        outcomes.Record(unit, answer, timeProvider.GetUtcNow());
        return answer;
    }

    /// <summary>What one unit is asked, turned into its request only when the unit is called.</summary>
    private sealed class UnitCall(UnitFanOut fanOut, UnitDefinition unit, AnswerQueryRequest question, IReadOnlyList<string> kinds, List<string> items)
    {
        public async ValueTask<AnswerQueryResponse> RunAsync(CancellationToken cancellationToken)
        {
            // Yield before calling: what runs synchronously up to the call's first wait (the pipeline, the HTTP/2
            // request) must not hold up asking the next unit. Cache hits do not yield; they finish at once anyway,
            // and a yield per unit was six thread-pool hops per answered-from-cache query.
            await Task.Yield();
            var request = question.Clone();
            request.UnitId = unit.Id;
            request.AssetKinds.Clear();
            request.AssetKinds.Add(kinds);
            request.DataItems.Clear();
            request.DataItems.Add(items);
            return await fanOut.CallAsync(unit, request, cancellationToken);
        }
    }

    /// <summary>One call to the unit, traced and measured; every failure becomes a <see cref="UnitCallException"/>.</summary>
    private async ValueTask<AnswerQueryResponse> CallAsync(UnitDefinition unit, AnswerQueryRequest request, CancellationToken cancellationToken)
    {
        using var activity = GatewayTelemetry.Source.StartActivity(AnswerQueryMethod);
        activity?.SetTag("unit.id", unit.Id);
        activity?.SetTag("unit.kind", unit.Kind.ToString());
        // The query's id (not personal): joins the span to the answer and the audit record.
        activity?.SetTag("request.id", request.RequestId);
        var started = timeProvider.GetTimestamp();
        var status = UnitStatus.Error;
        long size = 0;
        try
        {
            var response = await CallThroughPipelineAsync(unit, request, cancellationToken);
            status = response.Assets.Count == 0 ? UnitStatus.NotFound : UnitStatus.Ok;
            size = response.CalculateSize();
            return response;
        }
        catch (UnitCallException ex)
        {
            status = ex.Status;
            throw;
        }
        finally
        {
            activity?.SetTag("unit.status", GatewayTelemetry.StatusLabel(status));
            telemetry.RecordExchange(unit, AnswerQueryMethod, status, timeProvider.GetElapsedTime(started), size);
        }
    }

    private const string AnswerQueryMethod = "AgencyService/AnswerQuery";

    private async ValueTask<AnswerQueryResponse> CallThroughPipelineAsync(UnitDefinition unit, AnswerQueryRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await pipelines.ExecuteAsync(
                unit,
                idempotent: true,
                static async (s, token) => await s.client.AnswerQueryAsync(s.request, cancellationToken: token),
                (client: clients.For(unit), request),
                cancellationToken);
        }
        catch (BrokenCircuitException)
        {
            throw new UnitCallException(UnitStatus.CircuitOpen, "circuit open: the unit failed repeatedly and is not being called for now");
        }
        catch (TimeoutRejectedException)
        {
            throw new UnitCallException(UnitStatus.Timeout, $"no answer within {catalog.TimeoutMsOf(unit)} ms");
        }
        catch (RateLimiterRejectedException)
        {
            // Not called: all its slots stayed taken. Not counted by the breaker, since a busy healthy unit looks the same.
            throw new UnitCallException(
                UnitStatus.Unavailable,
                $"unit busy: no call slot came free within {pipelines.MaxWaitOf(unit).TotalMilliseconds:0} ms, or too many calls were already waiting");
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            Log.UnitFailed(logger, unit.Id, ex.StatusCode, request.RequestId);
            throw ex.StatusCode switch
            {
                StatusCode.DeadlineExceeded => new UnitCallException(UnitStatus.Timeout, "the unit's deadline passed"),
                StatusCode.Unavailable => new UnitCallException(UnitStatus.Unavailable, "unit unavailable: " + ex.Status.Detail),
                // What units say about their own failures is theirs to word; by contract it carries no subject data.
                _ => new UnitCallException(UnitStatus.Error, $"unit answered {ex.StatusCode}: {ex.Status.Detail}"),
            };
        }
        catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
        {
            Log.UnitUnreachable(logger, unit.Id, ex.HttpRequestError, request.RequestId);
            throw new UnitCallException(UnitStatus.Unavailable, "unit unreachable: " + ex.HttpRequestError);
        }
    }

    private IReadOnlyList<string> KindsAskedOf(UnitDefinition unit, Google.Protobuf.Collections.RepeatedField<string> requested)
    {
        var served = catalog.AssetKindsOf(unit);
        if (requested.Count == 0)
        {
            return served;
        }

        var kinds = new List<string>(served.Count);
        foreach (var kind in served)
        {
            if (requested.Contains(kind))
            {
                kinds.Add(kind);
            }
        }

        return kinds;
    }

    /// <summary>The items asked that <paramref name="unit"/> serves, in the unit's catalog order.</summary>
    private static List<string> ItemsAskedOf(UnitDefinition unit, Google.Protobuf.Collections.RepeatedField<string> requested)
    {
        var items = new List<string>(Math.Min(unit.DataItems.Count, requested.Count));
        foreach (var item in unit.DataItems)
        {
            if (requested.Contains(item))
            {
                items.Add(item);
            }
        }

        return items;
    }

    private static int ClampMs(TimeSpan elapsed) => (int)Math.Clamp(elapsed.TotalMilliseconds, 0, int.MaxValue);

    private static partial class Log
    {
        [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Unit {UnitId} failed with {StatusCode} (request {RequestId})")]
        public static partial void UnitFailed(ILogger logger, string unitId, StatusCode statusCode, string requestId);

        [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Unit {UnitId} unreachable: {Error} (request {RequestId})")]
        public static partial void UnitUnreachable(ILogger logger, string unitId, HttpRequestError error, string requestId);
    }
}

/// <summary>A unit did not answer; carries the status it gets. Never cached.</summary>
internal sealed class UnitCallException(UnitStatus status, string message) : Exception(message)
{
    public UnitStatus Status { get; } = status;
}

/// <summary>Each unit's last answer, for GET /v1/units/{id}/health.</summary>
internal sealed class UnitHealthBoard
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, UnitHealth> _last = new(StringComparer.Ordinal);

    public void Record(UnitDefinition unit, UnitStatus status, int latencyMs, DateTimeOffset at) =>
        _last[unit.Id] = new UnitHealth
        {
            UnitId = unit.Id,
            LastStatus = status,
            LastLatencyMs = latencyMs,
            LastAnsweredAt = Timestamp.FromDateTimeOffset(at),
        };

    public UnitHealth? LastOf(string unitId) => _last.TryGetValue(unitId, out var health) ? health : null;
}
