using System.Security.Claims;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Audit;
using DataGateway.Domain.Catalog;
using DataGateway.Domain.Identity;
using DataGateway.Features.Api;
using DataGateway.Features.Audit;
using DataGateway.Features.Cases;
using DataGateway.Features.Privacy;
using DataGateway.Features.Units;
using Google.Protobuf.WellKnownTypes;

namespace DataGateway.Features.Enforcement;

/// <summary>
/// An integrated asset query (集成查询): validate, check the purpose (the judge's own case, the subject a debtor in
/// it), ask every relevant unit at once (or the cache), record the access in the audit trail, then answer. A query
/// that cannot be recorded is not answered.
/// </summary>
internal sealed partial class AssetQueryHandler(
    AssetQueryValidator validator,
    CaseRegistry cases,
    UnitCatalog catalog,
    UnitFanOut fanOut,
    IAuditTrail audit,
    KeyedHasher hasher,
    TimeProvider timeProvider,
    ILogger<AssetQueryHandler> logger)
{
    public async Task<QueryAssetsResponse> HandleAsync(QueryAssetsRequest request, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var query = validator.Validate(request);
        var queryId = Guid.CreateVersion7(timeProvider.GetUtcNow()).ToString();
        var subjectIdentifier = query.Subject.HasIdNumber ? query.Subject.IdNumber : query.Subject.CreditCode;
        var units = catalog.UnitsAnswering(query.AssetKinds);
        var record = new AccessRecord
        {
            Kind = AuditKinds.AssetQuery,
            RequestId = queryId,
            Actor = AuditActor.From(user),
            PurposeKind = AuditPurposeKinds.Case,
            Purpose = query.CaseNumber.ToString(),
            SubjectIdentifier = subjectIdentifier,
            UnitsAsked = [.. units.Select(u => u.Id)],
            ItemsReturned = [],
            Outcome = AuditOutcomes.Answered,
        };

        var decision = await cases.CheckAsync(user, query.CaseNumber, subjectIdentifier, cancellationToken);
        if (!decision.Allowed)
        {
            // A refusal is on record too: who tried to look up whom, under which case, and why it was refused.
            await RecordAsync(record with { UnitsAsked = [], Outcome = AuditOutcomes.Denied, Detail = decision.Reason });
            throw ApiErrors.PermissionDenied(decision.Reason ?? "this query is not allowed under that case");
        }

        var question = new AnswerQueryRequest
        {
            RequestId = queryId,
            Purpose = new Purpose { CaseNumber = record.Purpose },
            Subject = query.Subject,
            AssetKinds = { query.AssetKinds },
            RequesterHash = hasher.Hash(user.FindFirstValue(GatewayClaimTypes.Subject) ?? string.Empty),
        };
        var started = timeProvider.GetTimestamp();
        var answers = await fanOut.AskAsync(units, new UnitQuestion(question, hasher.Hash(subjectIdentifier), request.Fresh), cancellationToken);

        // Written before the answer leaves; if it cannot be written the judge gets a refusal, not the data.
        await RecordAsync(record with
        {
            ItemsReturned = ItemsOf(answers),
            FromCache = answers.Any(a => a.FromCache),
            Detail = UnitStatusNames.Tally(answers),
        });

        var response = new QueryAssetsResponse
        {
            QueryId = queryId,
            AnsweredAt = Timestamp.FromDateTimeOffset(timeProvider.GetUtcNow()),
            AssetKinds = { query.AssetKinds.Count > 0 ? query.AssetKinds : catalog.AssetKinds.Select(k => k.Code) },
        };
        response.Units.Add(answers);
        response.Complete = answers.All(a => a.Status is UnitStatus.Ok or UnitStatus.NotFound);

        var holding = answers.Count(a => a.Status == UnitStatus.Ok);
        var elapsedMs = timeProvider.GetElapsedTime(started).TotalMilliseconds;
        Log.QueryAnswered(logger, queryId, record.Purpose, units.Count, holding, response.Complete, elapsedMs);
        return response;
    }

    /// <summary>The data items in the answers, each once, in the order they first appear.</summary>
    private static List<string> ItemsOf(UnitAnswer[] answers)
    {
        // Once per query, over a handful of assets: a list searched in place costs less than LINQ's Distinct set.
        var items = new List<string>();
        foreach (var answer in answers)
        {
            foreach (var asset in answer.Assets)
            {
                if (!items.Contains(asset.DataItem))
                {
                    items.Add(asset.DataItem);
                }
            }
        }

        return items;
    }

    private Task RecordAsync(AccessRecord record) => audit.RecordOrRefuseAsync(record);

    private static partial class Log
    {
        // Case numbers are court records, not personal identifiers; the subject never appears here.
        [LoggerMessage(EventId = 20, Level = LogLevel.Information,
            Message = "Asset query {QueryId} under {CaseNumber}: {UnitCount} units asked, {HoldingCount} hold assets, complete={Complete}, {ElapsedMs:0} ms")]
        public static partial void QueryAnswered(ILogger logger, string queryId, string caseNumber, int unitCount, int holdingCount, bool complete, double elapsedMs);
    }
}

internal static class EnforcementFeature
{
    public static WebApplicationBuilder AddEnforcement(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AssetQueryValidator>();
        builder.Services.AddSingleton<AssetQueryHandler>();
        return builder;
    }
}
