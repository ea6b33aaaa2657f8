using System.Diagnostics;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Catalog;
using Grpc.Core;

namespace DataGateway.Features.Units;

/// <summary>
/// Asks many units the same question at once and gives every unit a status. This is the one place the gateway calls
/// units for queries: enforcement queries use it now, batches and estate inquiries will, and the resilience pipeline
/// wraps <see cref="AskOneAsync"/>.
/// </summary>
internal sealed partial class UnitFanOut(
    UnitCatalog catalog,
    AgencyClients clients,
    TimeProvider timeProvider,
    ILogger<UnitFanOut> logger)
{
    /// <summary>Asks every unit concurrently. Never throws for a unit's failure; the answers keep the units' order.</summary>
    public async Task<UnitAnswer[]> AskAsync(
        IReadOnlyList<UnitDefinition> units,
        AnswerQueryRequest question,
        CancellationToken cancellationToken)
    {
        var calls = new Task<UnitAnswer>[units.Count];
        for (var i = 0; i < units.Count; i++)
        {
            calls[i] = AskOneAsync(units[i], question, cancellationToken);
        }

        return await Task.WhenAll(calls);
    }

    /// <summary>Asks one unit within its timeout. Never throws for a unit's failure (only for the caller's cancellation).</summary>
    public async Task<UnitAnswer> AskOneAsync(UnitDefinition unit, AnswerQueryRequest question, CancellationToken cancellationToken)
    {
        var answer = new UnitAnswer { UnitId = unit.Id, UnitName = unit.Name, UnitKind = unit.Kind.ToString() };
        var request = question.Clone();
        request.UnitId = unit.Id;
        var timeout = TimeSpan.FromMilliseconds(catalog.TimeoutMsOf(unit));
        var started = timeProvider.GetTimestamp();

        // The timeout runs on the injected clock (tests advance it); the gRPC deadline is left unset because it
        // would run on the wall clock.
        using var timeoutSource = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            // Task.Yield keeps a unit whose client completes synchronously from delaying the start of the next call.
            await Task.Yield();
            var response = await clients.For(unit).AnswerQueryAsync(request, cancellationToken: linked.Token);
            answer.Status = response.Assets.Count == 0 ? UnitStatus.NotFound : UnitStatus.Ok;
            answer.Assets.Add(response.Assets);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsTimeout(ex, timeoutSource))
        {
            answer.Status = UnitStatus.Timeout;
            answer.Detail = $"no answer within {timeout.TotalMilliseconds:0} ms";
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            (answer.Status, answer.Detail) = Classify(ex);
            Log.UnitFailed(logger, unit.Id, ex.StatusCode, question.RequestId);
        }
        catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
        {
            answer.Status = UnitStatus.Unavailable;
            answer.Detail = "unit unreachable: " + ex.HttpRequestError;
            Log.UnitUnreachable(logger, unit.Id, ex.HttpRequestError, question.RequestId);
        }

        answer.LatencyMs = (int)Math.Min(int.MaxValue, timeProvider.GetElapsedTime(started).TotalMilliseconds);
        return answer;
    }

    private static bool IsTimeout(Exception ex, CancellationTokenSource timeoutSource) =>
        timeoutSource.IsCancellationRequested
        && ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled or StatusCode.DeadlineExceeded };

    private static (UnitStatus, string) Classify(RpcException ex) => ex.StatusCode switch
    {
        StatusCode.DeadlineExceeded => (UnitStatus.Timeout, "the unit's deadline passed"),
        StatusCode.Unavailable => (UnitStatus.Unavailable, "unit unavailable: " + ex.Status.Detail),
        // What units say about their own failures is theirs to word; it carries no subject data by contract.
        _ => (UnitStatus.Error, $"unit answered {ex.StatusCode}: {ex.Status.Detail}"),
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Unit {UnitId} failed with {StatusCode} (request {RequestId})")]
        public static partial void UnitFailed(ILogger logger, string unitId, StatusCode statusCode, string requestId);

        [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Unit {UnitId} unreachable: {Error} (request {RequestId})")]
        public static partial void UnitUnreachable(ILogger logger, string unitId, HttpRequestError error, string requestId);
    }
}
