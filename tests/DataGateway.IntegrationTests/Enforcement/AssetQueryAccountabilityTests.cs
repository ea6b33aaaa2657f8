using System.Net;
using Dapper;
using DataGateway.Contracts.V1;
using DataGateway.IntegrationTests.Audit;
using DataGateway.IntegrationTests.Infrastructure;
using Grpc.Core;

namespace DataGateway.IntegrationTests.Enforcement;

/// <summary>Purpose binding and the audit trail, as a judge's query meets them.</summary>
public sealed class AssetQueryAccountabilityTests
{
    private sealed record Row(string Kind, string ActorSubject, string? Purpose, string Outcome, string? Detail, string UnitsAsked, long FromCache);

    private static List<Row> Records(GatewayTestHost host)
    {
        using var store = host.OpenStore();
        return [.. store.Query<Row>(
            "SELECT kind AS Kind, actor_subject AS ActorSubject, purpose AS Purpose, outcome AS Outcome, detail AS Detail, units_asked AS UnitsAsked, from_cache AS FromCache FROM audit_records ORDER BY sequence")];
    }

    [Fact]
    public async Task AnotherJudgesCase_IsPermissionDenied_NoUnitIsAsked_AndTheRefusalIsAudited()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var request = Requests.AssetQuery(GatewayTestHost.Personas.WithTag("company"));
        request.CaseNumber = Requests.LiCaseNumber;

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Enforcement(Requests.JudgeToken).QueryAssetsAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("not assigned to you", error.Status.Detail);
        Assert.Equal(0, host.Simulator.Stats.TotalCalls);
        var record = Assert.Single(Records(host));
        Assert.Equal(("asset-query", "judge-wang", Requests.LiCaseNumber, "denied"), (record.Kind, record.ActorSubject, record.Purpose, record.Outcome));
        Assert.Contains("not assigned to you", record.Detail);
    }

    [Fact]
    public async Task SubjectWhoIsNotADebtorInTheCase_IsForbiddenOverRest()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var client = host.Rest(Requests.JudgeToken);
        var request = Requests.AssetQuery(GatewayTestHost.Personas.WithTag("deceased"));

        using var response = await Requests.PostAssetQueryAsync(client, Requests.RestBody(request));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, host.Simulator.Stats.TotalCalls);
        Assert.Equal("denied", Assert.Single(Records(host)).Outcome);
    }

    [Fact]
    public async Task EachQuery_WritesExactlyOneRecord_CacheHitsIncluded()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var client = host.Enforcement(Requests.JudgeToken);
        var request = Requests.AssetQuery(Requests.Debtor, "REAL_ESTATE", "VEHICLE");

        await client.QueryAssetsAsync(request);
        var cached = await client.QueryAssetsAsync(request);

        Assert.All(cached.Units, u => Assert.True(u.FromCache));
        var records = Records(host);
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal(("asset-query", "answered"), (r.Kind, r.Outcome)));
        Assert.Equal([0L, 1L], records.Select(r => r.FromCache));
        Assert.All(records, r => Assert.Contains("realestate-registry", r.UnitsAsked));
    }

    [Fact]
    public async Task AuditStoreUnwritable_RefusesTheQuery_AndReturnsNothing()
    {
        await using var host = await GatewayTestHost.StartAsync();
        host.RefuseAuditWrites();
        using var client = host.Rest(Requests.JudgeToken);

        using var response = await Requests.PostAssetQueryAsync(client, Requests.RestBody(Requests.AssetQuery(Requests.Debtor)));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("assets", body);
        Assert.DoesNotContain("UNIT_STATUS", body);
        Assert.Equal(0, host.CountRecords());
    }
}
