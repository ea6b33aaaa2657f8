using System.Text;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Identity;
using DataGateway.IntegrationTests.Cases;
using DataGateway.IntegrationTests.Estate;
using DataGateway.IntegrationTests.Infrastructure;
using DataGateway.IntegrationTests.Matters;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;

namespace DataGateway.IntegrationTests.Accountability;

/// <summary>What the gateway must answer a caller, as a class: the exact status of an allowed call depends on its content.</summary>
public enum Access
{
    /// <summary>401 / UNAUTHENTICATED.</summary>
    Unauthenticated,

    /// <summary>403 / PERMISSION_DENIED.</summary>
    Forbidden,

    /// <summary>Anything else that is not a server error: 200, or a 400/404 about the request's content.</summary>
    Allowed,
}

/// <summary>One route, the request the matrix sends to it (over REST and gRPC), and who may call it.</summary>
/// <param name="Served">False when the request names something that does not exist, so an allowed caller gets 404.</param>
internal sealed record MatrixEndpoint(string Key, string Expectations, Func<HttpRequestMessage> Rest, Func<CallInvoker, Task> Grpc, bool Served = true)
{
    public Access ExpectedFor(string caller)
    {
        var columns = Expectations.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (columns.Length != AuthorizationMatrix.Callers.Count)
        {
            throw new InvalidOperationException($"{Key}: {columns.Length} expectations for {AuthorizationMatrix.Callers.Count} callers");
        }

        return columns[IndexOf(caller)] switch
        {
            "401" => Access.Unauthenticated,
            "403" => Access.Forbidden,
            "ok" => Access.Allowed,
            var other => throw new InvalidOperationException($"{Key}: '{other}' is not 401, 403 or ok"),
        };
    }

    private static int IndexOf(string caller)
    {
        for (var i = 0; i < AuthorizationMatrix.Callers.Count; i++)
        {
            if (AuthorizationMatrix.Callers[i] == caller)
            {
                return i;
            }
        }

        throw new ArgumentException($"unknown caller {caller}", nameof(caller));
    }
}

/// <summary>
/// Who may call what, written out by hand: every route of the protos' google.api.http annotations (a guard test
/// fails when one is missing) plus the health probes, against every role and no token at all. The requests are valid
/// (seeded case, debtor and deceased personas, catalog ids), so "ok" means the caller was served, not refused for
/// bad content; where a request names a batch, inquiry or matter, it names one that does not exist, so "ok" is a 404.
/// </summary>
internal static class AuthorizationMatrix
{
    /// <summary>
    /// The columns. "judge-assigned" is judge-wang, officer of the seeded case every row uses; "judge-unassigned" is
    /// judge-li of the same court, who is not.
    /// </summary>
    public static IReadOnlyList<string> Callers { get; } =
        ["anonymous", "judge-assigned", "judge-unassigned", "notary", "agency-admin", "unit", "auditor", "court-system"];

    /// <summary>Routes that are not in the protos but are served over REST.</summary>
    public static IReadOnlyList<string> NonProtoRoutes { get; } = ["GET /healthz", "GET /readyz"];

    private const string Unit = "bank-sxrcb";

    /// <summary>An id no batch, inquiry or matter has: an allowed caller gets 404, a refused one 403.</summary>
    private const string NoSuchId = "01a20000-0000-7000-8000-000000000000";

    private static readonly string CasePath = CaseTesting.Path(Requests.CaseNumber);

    public static IReadOnlyList<MatrixEndpoint> Endpoints { get; } =
    [
        // Each row: the route, then what each caller gets, in the columns of Callers:
        //   anon judge judge   notary admin unit auditor court
        //        assig unassig                           system
        new(
            "GET /v1/units",
            "401  ok    ok      ok     ok    ok   ok      ok",
            () => Get("/v1/units?kind=Bank&pageSize=5"),
            c => Catalog(c).ListUnitsAsync(new ListUnitsRequest { Kind = "Bank", PageSize = 5 }).ResponseAsync),
        new(
            "GET /v1/units/{unit_id}",
            "401  ok    ok      ok     ok    ok   ok      ok",
            () => Get($"/v1/units/{Unit}"),
            c => Catalog(c).GetUnitAsync(new GetUnitRequest { UnitId = Unit }).ResponseAsync),
        new(
            "GET /v1/units/{unit_id}/health",
            "401  ok    ok      ok     ok    ok   ok      ok",
            () => Get($"/v1/units/{Unit}/health"),
            c => Catalog(c).GetUnitHealthAsync(new GetUnitHealthRequest { UnitId = Unit }).ResponseAsync),
        new(
            "GET /v1/data-items",
            "401  ok    ok      ok     ok    ok   ok      ok",
            () => Get("/v1/data-items?assetKind=REAL_ESTATE"),
            c => Catalog(c).ListDataItemsAsync(new ListDataItemsRequest { AssetKind = "REAL_ESTATE" }).ResponseAsync),
        new(
            "GET /v1/asset-kinds",
            "401  ok    ok      ok     ok    ok   ok      ok",
            () => Get("/v1/asset-kinds"),
            c => Catalog(c).ListAssetKindsAsync(new ListAssetKindsRequest()).ResponseAsync),
        // judge-unassigned holds the judge role but not the case: the purpose check refuses them.
        new(
            "POST /v1/enforcement/asset-queries",
            "401  ok    403     403    403   403  403     403",
            () => Send(HttpMethod.Post, "/v1/enforcement/asset-queries", JsonFormatter.Default.Format(AssetQuery())),
            c => new EnforcementService.EnforcementServiceClient(c).QueryAssetsAsync(AssetQuery()).ResponseAsync),
        new(
            "GET /v1/audit/records",
            "401  403   403     403    403   403  ok      403",
            () => Get("/v1/audit/records?kind=asset-query&pageSize=5"),
            c => Audit(c).ListAuditRecordsAsync(new ListAuditRecordsRequest { Kind = "asset-query", PageSize = 5 }).ResponseAsync),
        new(
            "GET /v1/audit/verification",
            "401  403   403     403    403   403  ok      403",
            () => Get("/v1/audit/verification"),
            c => Audit(c).VerifyAuditTrailAsync(new VerifyAuditTrailRequest()).ResponseAsync),
        new(
            "PUT /v1/cases/{case_number}",
            "401  403   403     403    403   403  403     ok",
            () => Send(HttpMethod.Put, CasePath, AccountabilityTesting.PutBody(SeededCase())),
            c => Cases(c).PutCaseAsync(SeededCase()).ResponseAsync),
        new(
            "GET /v1/cases/{case_number}",
            "401  ok    403     403    403   403  403     ok",
            () => Get(CasePath),
            c => Cases(c).GetCaseAsync(new GetCaseRequest { CaseNumber = Requests.CaseNumber }).ResponseAsync),
        // Batches are the judge's: another judge is refused a batch under a case not theirs, and finds no batch of
        // someone else's (404, the same as one that does not exist).
        new(
            "POST /v1/enforcement/batches",
            "401  ok    403     403    403   403  403     403",
            () => Send(HttpMethod.Post, "/v1/enforcement/batches", JsonFormatter.Default.Format(Batch())),
            c => Batches(c).SubmitBatchAsync(Batch()).ResponseAsync),
        new(
            "GET /v1/enforcement/batches/{batch_id}",
            "401  ok    ok      403    403   403  403     403",
            () => Get($"/v1/enforcement/batches/{NoSuchId}"),
            c => Batches(c).GetBatchAsync(new GetBatchRequest { BatchId = NoSuchId }).ResponseAsync, Served: false),
        new(
            "GET /v1/enforcement/batches/{batch_id}/results",
            "401  ok    ok      403    403   403  403     403",
            () => Get($"/v1/enforcement/batches/{NoSuchId}/results"),
            c => Batches(c).ListBatchResultsAsync(new ListBatchResultsRequest { BatchId = NoSuchId }).ResponseAsync, Served: false),
        new(
            "POST /v1/enforcement/batches/{batch_id}:cancel",
            "401  ok    ok      403    403   403  403     403",
            () => Send(HttpMethod.Post, $"/v1/enforcement/batches/{NoSuchId}:cancel", "{}"),
            c => Batches(c).CancelBatchAsync(new CancelBatchRequest { BatchId = NoSuchId }).ResponseAsync, Served: false),
        new(
            "POST /v1/estate/inquiries",
            "401  403   403     ok     403   403  403     403",
            () => Send(HttpMethod.Post, "/v1/estate/inquiries", JsonFormatter.Default.Format(EstateTesting.ForDeceased())),
            c => Estate(c).CreateEstateInquiryAsync(EstateTesting.ForDeceased()).ResponseAsync),
        new(
            "GET /v1/estate/inquiries/{inquiry_id}",
            "401  403   403     ok     403   403  403     403",
            () => Get($"/v1/estate/inquiries/{NoSuchId}"),
            c => Estate(c).GetEstateInquiryAsync(new GetEstateInquiryRequest { InquiryId = NoSuchId }).ResponseAsync, Served: false),
        new(
            "GET /v1/estate/inquiries/{inquiry_id}/report.html",
            "401  403   403     ok     403   403  403     403",
            () => Get($"/v1/estate/inquiries/{NoSuchId}/report.html"),
            c => Estate(c).GetEstateReportPageAsync(new GetEstateReportPageRequest { InquiryId = NoSuchId }).ResponseAsync, Served: false),
        new(
            "POST /v1/matters",
            "401  ok    403     403    403   403  403     403",
            () => Send(HttpMethod.Post, "/v1/matters", JsonFormatter.Default.Format(MatterTesting.Freeze())),
            c => Matters(c).FileMatterAsync(MatterTesting.Freeze()).ResponseAsync),
        // Judges read the matters of their cases, a unit those sent to it: for a matter that does not exist, 404.
        new(
            "GET /v1/matters/{matter_id}",
            "401  ok    ok      403    403   ok   403     403",
            () => Get($"/v1/matters/{NoSuchId}"),
            c => Matters(c).GetMatterAsync(new GetMatterRequest { MatterId = NoSuchId }).ResponseAsync, Served: false),
        new(
            "GET /v1/cases/{case_number}/matters",
            "401  ok    403     403    403   403  403     403",
            () => Get(CasePath + "/matters"),
            c => Matters(c).ListCaseMattersAsync(new ListCaseMattersRequest { CaseNumber = Requests.CaseNumber }).ResponseAsync),
        new(
            "POST /v1/matters/{matter_id}/feedback",
            "401  403   403     403    403   ok   403     403",
            () => Send(HttpMethod.Post, $"/v1/matters/{NoSuchId}/feedback", JsonFormatter.Default.Format(MatterTesting.Completed(string.Empty))),
            c => Matters(c).SubmitFeedbackAsync(MatterTesting.Completed(NoSuchId)).ResponseAsync, Served: false),
        new(
            "GET /v1/sla/units",
            "401  403   403     403    ok    403  403     403",
            () => Get("/v1/sla/units"),
            c => Sla(c).ListUnitScorecardsAsync(new ListUnitScorecardsRequest()).ResponseAsync),
        new(
            "GET /v1/sla/units/{unit_id}",
            "401  403   403     403    ok    403  403     403",
            () => Get($"/v1/sla/units/{Unit}"),
            c => Sla(c).GetUnitScorecardAsync(new GetUnitScorecardRequest { UnitId = Unit }).ResponseAsync),
        new(
            "GET /v1/sla/unit-kinds",
            "401  403   403     403    ok    403  403     403",
            () => Get("/v1/sla/unit-kinds"),
            c => Sla(c).ListUnitKindScorecardsAsync(new ListUnitKindScorecardsRequest()).ResponseAsync),
        new(
            "GET /v1/sla/overdue-matters",
            "401  403   403     403    ok    403  403     403",
            () => Get("/v1/sla/overdue-matters"),
            c => Sla(c).ListOverdueMattersAsync(new ListOverdueMattersRequest()).ResponseAsync),
        // Load balancers probe without a token; over gRPC the probe is grpc.health.v1.Health/Check.
        new(
            "GET /healthz",
            "ok   ok    ok      ok     ok    ok   ok      ok",
            () => Get("/healthz"),
            c => new Health.HealthClient(c).CheckAsync(new HealthCheckRequest()).ResponseAsync),
        new(
            "GET /readyz",
            "ok   ok    ok      ok     ok    ok   ok      ok",
            () => Get("/readyz"),
            c => new Health.HealthClient(c).CheckAsync(new HealthCheckRequest()).ResponseAsync),
    ];

    public static MatrixEndpoint Endpoint(string key) => Endpoints.Single(e => e.Key == key);

    public static string? TokenOf(string caller) => caller switch
    {
        "anonymous" => null,
        "judge-assigned" => Requests.JudgeToken,
        "judge-unassigned" => CaseTesting.JudgeLiToken,
        "notary" => EstateTesting.NotaryToken,
        "agency-admin" => MatterTesting.AdminToken(Unit),
        "unit" => GatewayTestHost.Token(Roles.Unit),
        "auditor" => GatewayTestHost.Token(Roles.Auditor),
        "court-system" => CaseTesting.CourtSystemToken,
        _ => throw new ArgumentException($"unknown caller {caller}", nameof(caller)),
    };

    // One asset kind keeps the allowed query small; the debtor persona is a debtor of the seeded case.
    private static QueryAssetsRequest AssetQuery() => Requests.AssetQuery(Requests.Debtor, "TAX");

    // PUT of the case exactly as seeded: an allowed caller leaves the registry unchanged for the rows after it.
    private static PutCaseRequest SeededCase() => AccountabilityTesting.SeededCase(Requests.CaseNumber);

    private static HttpRequestMessage Get(string path) => new(HttpMethod.Get, path);

    private static HttpRequestMessage Send(HttpMethod method, string path, string json) =>
        new(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private static SubmitBatchRequest Batch() => new()
    {
        CaseNumber = Requests.CaseNumber,
        Rows = { new BatchRow { IdNumber = Requests.Debtor.IdNumber!, Name = Requests.Debtor.Name } },
        AssetKinds = { "TAX" },
    };

    private static CatalogService.CatalogServiceClient Catalog(CallInvoker invoker) => new(invoker);

    private static BatchService.BatchServiceClient Batches(CallInvoker invoker) => new(invoker);

    private static EstateService.EstateServiceClient Estate(CallInvoker invoker) => new(invoker);

    private static MatterService.MatterServiceClient Matters(CallInvoker invoker) => new(invoker);

    private static SlaService.SlaServiceClient Sla(CallInvoker invoker) => new(invoker);

    private static AuditService.AuditServiceClient Audit(CallInvoker invoker) => new(invoker);

    private static CaseRegistryService.CaseRegistryServiceClient Cases(CallInvoker invoker) => new(invoker);
}
