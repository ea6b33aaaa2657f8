using System.Net.Http.Json;
using System.Text.Json;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Identity;
using DataGateway.Simulator;

namespace DataGateway.IntegrationTests.Infrastructure;

/// <summary>Requests a judge would send, built from the demo personas.</summary>
public static class Requests
{
    public const string CaseNumber = "(2024)浙0604执1234号";

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

        return new QueryAssetsRequest { CaseNumber = CaseNumber, Subject = subject, AssetKinds = { assetKinds } };
    }

    /// <summary>POSTs a body as the REST client of a judge would write it.</summary>
    public static Task<HttpResponseMessage> PostAssetQueryAsync(HttpClient client, object body) =>
        client.PostAsJsonAsync("/v1/enforcement/asset-queries", body);

    public static object RestBody(QueryAssetsRequest request) =>
        JsonSerializer.Deserialize<JsonElement>(Google.Protobuf.JsonFormatter.Default.Format(request));

    public static string JudgeToken => GatewayTestHost.Token(Roles.Judge);
}
