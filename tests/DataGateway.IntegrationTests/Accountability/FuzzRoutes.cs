using System.Text.Json.Nodes;
using DataGateway.Contracts.V1;
using DataGateway.IntegrationTests.Cases;
using DataGateway.IntegrationTests.Estate;
using DataGateway.IntegrationTests.Infrastructure;
using DataGateway.IntegrationTests.Matters;
using Google.Protobuf;

namespace DataGateway.IntegrationTests.Accountability;

/// <summary>
/// A REST route as the fuzz test attacks it, with a caller of the right role so the input, not the token, decides.
/// </summary>
/// <param name="PathWith">The raw path with a fuzzed value in its path variable; null when the route has none.</param>
/// <param name="StrictParameters">Query parameters whose bad values must be refused.</param>
/// <param name="FreeTextParameters">Query parameters any text is valid for: bad values must not break anything.</param>
/// <param name="ValidBody">A body the route serves; the fuzz cases derived from it are each made invalid.</param>
/// <param name="RefusedBody">Well-formed JSON the route refuses for its content (a required field is missing).</param>
/// <param name="LenientFields">
/// JSON paths of <see cref="ValidBody"/> whose null or empty value, or one element repeated, is still a valid request
/// (the gateway asks for a repeated asset kind or subject once).
/// </param>
/// <param name="FieldNames">The member names random JSON bodies are made of, so some reach the validators.</param>
/// <param name="PathBody">The body sent with the path and query cases of a route whose body has no members of its own.</param>
internal sealed record FuzzRoute(
    string Route,
    string Caller,
    string Method,
    string RawPath,
    Func<string, string>? PathWith = null,
    IReadOnlyList<string>? StrictParameters = null,
    IReadOnlyList<string>? FreeTextParameters = null,
    JsonObject? ValidBody = null,
    string? RefusedBody = null,
    IReadOnlyList<string>? LenientFields = null,
    IReadOnlyList<string>? FieldNames = null,
    string? PathBody = null)
{
    public bool HasBody => ValidBody is not null;
}

internal static class FuzzRoutes
{
    /// <summary>A case number no seed uses: a PUT that got through would add it to the registry, which the test would see.</summary>
    public const string NewCaseNumber = "(2026)浙0604执990001号";

    public static IReadOnlyList<FuzzRoute> All { get; } =
    [
        new("GET /v1/units", "agency-admin", "GET", "/v1/units", StrictParameters: ["kind", "assetKind", "pageSize", "pageToken"]),
        new("GET /v1/units/{unit_id}", "agency-admin", "GET", "/v1/units/bank-sxrcb", PathWith: v => "/v1/units/" + v),
        new("GET /v1/units/{unit_id}/health", "agency-admin", "GET", "/v1/units/bank-sxrcb/health", PathWith: v => $"/v1/units/{v}/health"),
        new("GET /v1/data-items", "agency-admin", "GET", "/v1/data-items", StrictParameters: ["assetKind"]),
        new("GET /v1/asset-kinds", "agency-admin", "GET", "/v1/asset-kinds"),
        new("POST /v1/enforcement/asset-queries", "judge-assigned", "POST", "/v1/enforcement/asset-queries",
            ValidBody: AssetQueryBody(),
            RefusedBody: """{"subject":{"idNumber":"330682197803150113","name":"王建军"},"assetKinds":["TAX"]}""",
            LenientFields: ["assetKinds", "fresh"],
            FieldNames: ["caseNumber", "case_number", "subject", "idNumber", "id_number", "creditCode", "name", "assetKinds", "fresh"]),
        // "user" is compared with token subjects as it is, so any text is a valid (if fruitless) search.
        new("GET /v1/audit/records", "auditor", "GET", "/v1/audit/records",
            StrictParameters: ["idNumber", "creditCode", "caseNumber", "kind", "from", "to", "pageSize", "pageToken"],
            FreeTextParameters: ["user"]),
        new("GET /v1/audit/verification", "auditor", "GET", "/v1/audit/verification"),
        new("PUT /v1/cases/{case_number}", "court-system", "PUT", CaseTesting.Path(NewCaseNumber), PathWith: v => "/v1/cases/" + v,
            ValidBody: PutCaseBody(),
            RefusedBody: """{"officers":["judge-wang"],"parties":[{"role":"PARTY_ROLE_DEBTOR","name":"王建军","idNumber":"330682197803150113"}],"state":"CASE_STATE_OPEN","registeredOn":"2026-01-05"}""",
            LenientFields: [],
            FieldNames: ["caseNumber", "courtCode", "court_code", "officers", "parties", "role", "name", "idNumber", "creditCode", "state", "registeredOn", "registered_on"]),
        new("GET /v1/cases/{case_number}", "court-system", "GET", CaseTesting.Path(Requests.CaseNumber), PathWith: v => "/v1/cases/" + v),
        new("POST /v1/enforcement/batches", "judge-assigned", "POST", "/v1/enforcement/batches",
            ValidBody: Json(new SubmitBatchRequest
            {
                CaseNumber = Requests.CaseNumber,
                Rows = { new BatchRow { IdNumber = Requests.Debtor.IdNumber!, Name = Requests.Debtor.Name } },
                AssetKinds = { "TAX" },
            }),
            RefusedBody: """{"rows":[{"idNumber":"330682197803150113","name":"王建军"}],"assetKinds":["TAX"]}""",
            LenientFields: ["assetKinds", "fresh", "rows"],
            FieldNames: ["caseNumber", "rows", "idNumber", "creditCode", "name", "assetKinds", "fresh", "case_number"]),
        new("GET /v1/enforcement/batches/{batch_id}", "judge-assigned", "GET", $"/v1/enforcement/batches/{NoSuchId}",
            PathWith: v => "/v1/enforcement/batches/" + v),
        new("GET /v1/enforcement/batches/{batch_id}/results", "judge-assigned", "GET", $"/v1/enforcement/batches/{NoSuchId}/results",
            PathWith: v => $"/v1/enforcement/batches/{v}/results", StrictParameters: ["pageSize", "pageToken"]),
        new("POST /v1/enforcement/batches/{batch_id}:cancel", "judge-assigned", "POST", $"/v1/enforcement/batches/{NoSuchId}:cancel",
            PathWith: v => $"/v1/enforcement/batches/{v}:cancel", PathBody: "{}"),
        new("POST /v1/estate/inquiries", "notary", "POST", "/v1/estate/inquiries",
            ValidBody: Json(EstateTesting.ForDeceased()),
            RefusedBody: Json(EstateTesting.ForDeceased(fileNumber: string.Empty)).ToJsonString(),
            LenientFields: ["fresh"],
            FieldNames: ["notarialFileNumber", "deceased", "applicant", "idNumber", "name", "relationship", "fresh"]),
        new("GET /v1/estate/inquiries/{inquiry_id}", "notary", "GET", $"/v1/estate/inquiries/{NoSuchId}",
            PathWith: v => "/v1/estate/inquiries/" + v),
        new("GET /v1/estate/inquiries/{inquiry_id}/report.html", "notary", "GET", $"/v1/estate/inquiries/{NoSuchId}/report.html",
            PathWith: v => $"/v1/estate/inquiries/{v}/report.html"),
        new("POST /v1/matters", "judge-assigned", "POST", "/v1/matters",
            ValidBody: Json(MatterTesting.Freeze()),
            RefusedBody: Json(Without(MatterTesting.Freeze(), r => r.CaseNumber = string.Empty)).ToJsonString(),
            LenientFields: [],
            FieldNames: ["caseNumber", "unitId", "action", "subject", "idNumber", "name", "assetReference", "amountYuan", "termMonths", "document", "rulingNumber", "noticeNumber"]),
        new("GET /v1/matters/{matter_id}", "judge-assigned", "GET", $"/v1/matters/{NoSuchId}", PathWith: v => "/v1/matters/" + v),
        new("GET /v1/cases/{case_number}/matters", "judge-assigned", "GET", CaseTesting.Path(Requests.CaseNumber) + "/matters",
            PathWith: v => $"/v1/cases/{v}/matters"),
        // No matter has this id: any body the parser lets through ends in 404, so nothing can be written.
        new("POST /v1/matters/{matter_id}/feedback", "unit", "POST", $"/v1/matters/{NoSuchId}/feedback",
            PathWith: v => $"/v1/matters/{v}/feedback",
            ValidBody: Json(MatterTesting.Completed(string.Empty)),
            RefusedBody: """{"outcome":"FEEDBACK_OUTCOME_REJECTED","receiptNumber":"HZ-0001"}""",
            LenientFields: [],
            FieldNames: ["matterId", "outcome", "reason", "executedAmountYuan", "receiptNumber"]),
        new("GET /v1/sla/units", "agency-admin", "GET", "/v1/sla/units",
            StrictParameters: ["days", "period.from", "period.to", "kind", "pageSize", "pageToken", "includeIdle"]),
        new("GET /v1/sla/units/{unit_id}", "agency-admin", "GET", "/v1/sla/units/bank-sxrcb",
            PathWith: v => "/v1/sla/units/" + v, StrictParameters: ["days", "period.from", "period.to"]),
        new("GET /v1/sla/unit-kinds", "agency-admin", "GET", "/v1/sla/unit-kinds", StrictParameters: ["days", "period.from", "period.to"]),
        new("GET /v1/sla/overdue-matters", "agency-admin", "GET", "/v1/sla/overdue-matters", StrictParameters: ["unitId", "pageSize"]),
    ];

    /// <summary>An id no batch, inquiry or matter has.</summary>
    private const string NoSuchId = "01a20000-0000-7000-8000-000000000000";

    public static FuzzRoute Get(string route) => All.Single(r => r.Route == route);

    private static T Without<T>(T message, Action<T> clear)
    {
        clear(message);
        return message;
    }

    private static JsonObject Json(IMessage message) => (JsonObject)JsonNode.Parse(JsonFormatter.Default.Format(message))!;

    private static JsonObject AssetQueryBody()
    {
        var request = Requests.AssetQuery(Requests.Debtor, "TAX");
        var body = (JsonObject)JsonNode.Parse(JsonFormatter.Default.Format(request))!;
        body["fresh"] = false;
        return body;
    }

    private static JsonObject PutCaseBody() =>
        (JsonObject)JsonNode.Parse(AccountabilityTesting.PutBody(CaseTesting.NewCase(NewCaseNumber, CaseTesting.PersonId(901))))!;
}
