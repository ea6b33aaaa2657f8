using System.Net.Http.Json;
using System.Text.Json;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Identity;
using DataGateway.IntegrationTests.Infrastructure;
using DataGateway.Simulator;

namespace DataGateway.IntegrationTests.Resilience;

public sealed class ResilienceTests
{
    private static readonly Dictionary<string, string?> NoCache = new() { ["Caching:Enabled"] = "false" };

    private static string RegistryId => GatewayTestHost.Catalog.UnitsAnswering(["REAL_ESTATE"]).Single().Id;

    [Fact]
    public async Task FailingUnit_OpensItsCircuit_IsAnsweredCircuitOpenWithoutCalls_AndClosesAfterRecovery()
    {
        await using var host = await GatewayTestHost.StartAsync(settings: NoCache);
        var client = host.Enforcement(Requests.JudgeToken);
        var request = Requests.AssetQuery(Requests.Debtor, "REAL_ESTATE", "VEHICLE");
        host.Simulator.Behaviours.SetFault(RegistryId, new UnitFault { Mode = FaultMode.Down });

        QueryAssetsResponse answer;
        var attempts = 0;
        do
        {
            answer = await client.QueryAssetsAsync(request);
            Assert.True(++attempts <= 10, "the circuit never opened");
        }
        while (answer.Units.Single(u => u.UnitId == RegistryId).Status != UnitStatus.CircuitOpen);

        var callsWhenOpened = host.Simulator.Stats.CallsTo(RegistryId);
        var whileOpen = await client.QueryAssetsAsync(request);
        Assert.Equal(UnitStatus.CircuitOpen, whileOpen.Units.Single(u => u.UnitId == RegistryId).Status);
        Assert.Equal(UnitStatus.Ok, whileOpen.Units.Single(u => u.UnitId != RegistryId).Status);
        Assert.Equal(callsWhenOpened, host.Simulator.Stats.CallsTo(RegistryId));
        Assert.Equal("OPEN", await CircuitStateAsync(host));

        host.Simulator.Behaviours.ClearFault(RegistryId);
        host.Time.Advance(TimeSpan.FromSeconds(31));
        var recovered = await client.QueryAssetsAsync(request);

        Assert.Equal(UnitStatus.Ok, recovered.Units.Single(u => u.UnitId == RegistryId).Status);
        Assert.Equal("CLOSED", await CircuitStateAsync(host));
    }

    [Fact]
    public async Task TransientError_IsRetried_AndTheUnitAnswers()
    {
        await using var host = await GatewayTestHost.StartAsync(settings: NoCache);
        host.Simulator.Behaviours.SetFault(RegistryId, new UnitFault { FailNext = 1 });

        var answer = await host.Enforcement(Requests.JudgeToken).QueryAssetsAsync(Requests.AssetQuery(Requests.Debtor, "REAL_ESTATE"));

        Assert.Equal(UnitStatus.Ok, answer.Units[0].Status);
        Assert.Equal(2, host.Simulator.Stats.CallsTo(RegistryId));
    }

    [Fact]
    public async Task PersistentError_IsRetriedOnlyOnce_ThenError()
    {
        await using var host = await GatewayTestHost.StartAsync(settings: NoCache);
        host.Simulator.Behaviours.SetFault(RegistryId, new UnitFault { ErrorRate = 1.0 });

        var answer = await host.Enforcement(Requests.JudgeToken).QueryAssetsAsync(Requests.AssetQuery(Requests.Debtor, "REAL_ESTATE"));

        Assert.Equal(UnitStatus.Error, answer.Units[0].Status);
        Assert.Equal(2, host.Simulator.Stats.CallsTo(RegistryId));
    }

    [Fact]
    public async Task HungUnit_TimesOutWithinItsTimeout_WhileTheOthersAnswer_AndIsNotRetried()
    {
        await using var host = await GatewayTestHost.StartAsync(settings: NoCache);
        var catalog = GatewayTestHost.Catalog;
        var banks = catalog.UnitsAnswering(["DEPOSIT"]);
        host.Simulator.Behaviours.SetFault(RegistryId, new UnitFault { Mode = FaultMode.Hang });

        var query = host.Enforcement(Requests.JudgeToken).QueryAssetsAsync(Requests.AssetQuery(Requests.Debtor, "REAL_ESTATE", "DEPOSIT")).ResponseAsync;
        await Eventually.HoldsAsync(() => host.Simulator.Stats.TotalCalls == 1 + banks.Count && host.Simulator.Stats.InFlight(RegistryId) == 1);
        host.Time.Advance(TimeSpan.FromMilliseconds(catalog.TimeoutMsOf(catalog.UnitsAnswering(["REAL_ESTATE"]).Single())));
        var answer = await query.WaitAsync(TestContext.Timeout);

        Assert.Equal(UnitStatus.Timeout, answer.Units.Single(u => u.UnitId == RegistryId).Status);
        Assert.All(answer.Units.Where(u => u.UnitId != RegistryId), u => Assert.Contains(u.Status, new[] { UnitStatus.Ok, UnitStatus.NotFound }));
        Assert.Equal(1, host.Simulator.Stats.CallsTo(RegistryId));
    }

    [Fact]
    public async Task UnitHealth_UnknownUnit_Is404()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var rest = host.Rest(GatewayTestHost.Token(Roles.AgencyAdmin));

        using var response = await rest.GetAsync("/v1/units/no-such-unit/health");

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }

    private static async Task<string?> CircuitStateAsync(GatewayTestHost host)
    {
        using var rest = host.Rest(GatewayTestHost.Token(Roles.AgencyAdmin));
        var health = await rest.GetFromJsonAsync<JsonElement>($"/v1/units/{RegistryId}/health");
        return health.GetProperty("health").GetProperty("circuitState").GetString();
    }
}
