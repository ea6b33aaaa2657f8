using System.Net.Http.Json;
using System.Text.Json;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Identity;
using DataGateway.Simulator;

namespace DataGateway.IntegrationTests.Infrastructure;

/// <summary>Requests a judge would send, built from the demo personas.</summary>
public static class Requests
{
    /// <summary>judge-wang's case in config/cases.json: debtors 王建军 (debtor persona) and 恒昌化工 (company persona).</summary>
    public const string CaseNumber = "(2024)浙0604执1234号";

    /// <summary>judge-wang's case whose debtor is the no-assets persona.</summary>
    public const string NoAssetsCaseNumber = "(2025)浙0604执2087号";

    /// <summary>judge-li's case (debtor: the company persona).</summary>
    public const string LiCaseNumber = "(2026)浙0604执3561号";

    public static Persona Debtor => GatewayTestHost.Personas.WithTag("debtor");

    public static QueryAssetsRequest AssetQuery(Persona persona, params string[] assetKinds)
    {
        var subject = new Subject { Name = persona.Name };
        if (persona.IdNumber is { } id)
        {
            subject.IdNumber = id;
        }
        else
        {
            subject.CreditCode = persona.CreditCode!;
        }

        var caseNumber = persona.HasTag("no-assets") ? NoAssetsCaseNumber : CaseNumber;
        return new QueryAssetsRequest { CaseNumber = caseNumber, Subject = subject, AssetKinds = { assetKinds } };
    }

    /// <summary>POSTs a body as the REST client of a judge would write it.</summary>
    public static Task<HttpResponseMessage> PostAssetQueryAsync(HttpClient client, object body) =>
        client.PostAsJsonAsync("/v1/enforcement/asset-queries", body);

    public static object RestBody(QueryAssetsRequest request) =>
        JsonSerializer.Deserialize<JsonElement>(Google.Protobuf.JsonFormatter.Default.Format(request));

    /// <summary>judge-wang of the Shangyu court, to whom the seeded cases above are assigned.</summary>
    public static string JudgeToken { get; } = JudgeTokenFor("judge-wang");

    public static string JudgeTokenFor(string subject) => DevelopmentTokenIssuer.Issue(
        GatewayTestHost.Auth,
        new DevelopmentTokenRequest { Subject = subject, Roles = [Roles.Judge], CourtCode = "浙0604" },
        TimeProvider.System);
}
