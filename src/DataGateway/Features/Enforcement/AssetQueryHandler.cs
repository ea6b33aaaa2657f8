using System.Security.Claims;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Catalog;
using DataGateway.Domain.Identity;
using DataGateway.Features.Privacy;
using DataGateway.Features.Units;
using Google.Protobuf.WellKnownTypes;

namespace DataGateway.Features.Enforcement;

/// <summary>An integrated asset query (集成查询): validate, pick the units, ask them all at once, merge.</summary>
internal sealed partial class AssetQueryHandler(
    AssetQueryValidator validator,
    UnitCatalog catalog,
    UnitFanOut fanOut,
    KeyedHasher hasher,
    TimeProvider timeProvider,
    ILogger<AssetQueryHandler> logger)
{
    public async Task<QueryAssetsResponse> HandleAsync(QueryAssetsRequest request, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var query = validator.Validate(request);
        var queryId = Guid.CreateVersion7(timeProvider.GetUtcNow()).ToString();
        var units = catalog.UnitsAnswering(query.AssetKinds);
        var question = new AnswerQueryRequest
        {
            RequestId = queryId,
            Purpose = new Purpose { CaseNumber = query.CaseNumber.ToString() },
            Subject = query.Subject,
            AssetKinds = { query.AssetKinds },
            RequesterHash = hasher.Hash(user.FindFirstValue(GatewayClaimTypes.Subject) ?? string.Empty),
        };

        var started = timeProvider.GetTimestamp();
        var subjectIdentifier = query.Subject.HasIdNumber ? query.Subject.IdNumber : query.Subject.CreditCode;
        var answers = await fanOut.AskAsync(units, new UnitQuestion(question, hasher.Hash(subjectIdentifier), request.Fresh), cancellationToken);

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
        Log.QueryAnswered(logger, queryId, question.Purpose.CaseNumber, units.Count, holding, response.Complete, elapsedMs);
        return response;
    }

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
