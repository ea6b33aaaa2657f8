using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DataGateway.Contracts.V1;
using DataGateway.IntegrationTests.Infrastructure;
using DataGateway.IntegrationTests.Matters;
using DataGateway.Simulator;
using Grpc.Core;

namespace DataGateway.IntegrationTests.Limits;

/// <summary>Load shedding: past Limits:MaxQueriesInFlight a query is refused at once instead of queueing.</summary>
public sealed class QueryAdmissionTests
{
    private static readonly Dictionary<string, string?> OneQueryAtATime = new()
    {
        ["Limits:MaxQueriesInFlight"] = "1",
        ["Caching:Enabled"] = "false",
    };

    private static string RegistryId => GatewayTestHost.Catalog.UnitsAnswering(["REAL_ESTATE"]).Single().Id;

    /// <summary>Starts a query the hung registry holds in flight; returns it and the registry's timeout.</summary>
    private static async Task<(Task<QueryAssetsResponse> Held, int TimeoutMs)> HoldOneQueryAsync(GatewayTestHost host)
    {
        host.Simulator.Behaviours.SetFault(RegistryId, new UnitFault { Mode = FaultMode.Hang });
        var held = host.Enforcement(Requests.JudgeToken).QueryAssetsAsync(Requests.AssetQuery(Requests.Debtor, "REAL_ESTATE")).ResponseAsync;
        await Eventually.HoldsAsync(() => host.Simulator.Stats.InFlight(RegistryId) == 1);
        return (held, GatewayTestHost.Catalog.TimeoutMsOf(GatewayTestHost.Catalog.UnitsAnswering(["REAL_ESTATE"]).Single()));
    }

    [Fact]
    public async Task QueryPastTheLimit_IsResourceExhaustedAtOnce_AndAsksNoUnit_AndTheNextOneAfterIsServed()
    {
        await using var host = await GatewayTestHost.StartAsync(settings: OneQueryAtATime);
        var (held, timeoutMs) = await HoldOneQueryAsync(host);
        var calls = host.Simulator.Stats.TotalCalls;

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            host.Enforcement(Requests.JudgeToken).QueryAssetsAsync(Requests.AssetQuery(Requests.Debtor, "DEPOSIT")).ResponseAsync.WaitAsync(TestContext.Timeout));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("Limits:MaxQueriesInFlight", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(calls, host.Simulator.Stats.TotalCalls);
        Assert.False(held.IsCompleted);

        // The held query ends (its unit times out) and gives its place back.
        host.Time.Advance(TimeSpan.FromMilliseconds(timeoutMs));
        await held.WaitAsync(TestContext.Timeout);
        host.Simulator.Behaviours.ClearFault(RegistryId);
        var next = await host.Enforcement(Requests.JudgeToken).QueryAssetsAsync(Requests.AssetQuery(Requests.Debtor, "DEPOSIT")).ResponseAsync.WaitAsync(TestContext.Timeout);
        Assert.NotEmpty(next.Units);
    }

    [Fact]
    public async Task QueryPastTheLimit_OverRest_Is429ProblemDetails_WithRetryAfter()
    {
        await using var host = await GatewayTestHost.StartAsync(settings: OneQueryAtATime);
        var (held, timeoutMs) = await HoldOneQueryAsync(host);
        using var judge = host.Rest(Requests.JudgeToken);

        using var refused = await judge.PostAsJsonAsync("/v1/enforcement/asset-queries", MatterTesting.RestBody(Requests.AssetQuery(Requests.Debtor, "DEPOSIT")));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Contains("at capacity", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        host.Time.Advance(TimeSpan.FromMilliseconds(timeoutMs));
        await held.WaitAsync(TestContext.Timeout);
    }
}
