using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Catalog;
using DataGateway.IntegrationTests.Infrastructure;
using Google.Protobuf;

namespace DataGateway.IntegrationTests.Enforcement;

public sealed class AssetQueryTests
{
    [Fact]
    public async Task DebtorQuery_OverRest_EveryUnitAskedHasAStatusAndAssetsComeFromFiveKinds()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var client = host.Rest(Requests.JudgeToken);

        using var response = await Requests.PostAssetQueryAsync(client, Requests.RestBody(Requests.AssetQuery(Requests.Debtor)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = JsonParser.Default.Parse<QueryAssetsResponse>(await response.Content.ReadAsStringAsync());
        var expectedUnits = GatewayTestHost.Catalog.UnitsAnswering([]).Select(u => u.Id).ToArray();
        Assert.Equal(expectedUnits, answer.Units.Select(u => u.UnitId));
        Assert.All(answer.Units, u => Assert.Contains(u.Status, new[] { UnitStatus.Ok, UnitStatus.NotFound }));
        Assert.True(answer.Complete);
        Assert.False(string.IsNullOrEmpty(answer.QueryId));
        var kindsWithAssets = answer.Units.Where(u => u.Status == UnitStatus.Ok).Select(u => u.UnitKind).Distinct().ToArray();
        Assert.True(kindsWithAssets.Length >= 5, "assets from only " + string.Join(", ", kindsWithAssets));
        Assert.All(answer.Units.Where(u => u.Status == UnitStatus.Ok), u => Assert.NotEmpty(u.Assets));
    }

    [Fact]
    public async Task DebtorQuery_OverGrpc_AnswersTheSameAsRest()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var request = Requests.AssetQuery(Requests.Debtor);

        var grpc = await host.Enforcement(Requests.JudgeToken).QueryAssetsAsync(request);
        using var client = host.Rest(Requests.JudgeToken);
        using var rest = await Requests.PostAssetQueryAsync(client, Requests.RestBody(request));
        var restAnswer = JsonParser.Default.Parse<QueryAssetsResponse>(await rest.Content.ReadAsStringAsync());

        // Deterministic units: the same subject gets the same assets whichever surface asks.
        Assert.Equal(restAnswer.Units.Select(u => (u.UnitId, u.Status, u.Assets.Count)), grpc.Units.Select(u => (u.UnitId, u.Status, u.Assets.Count)));
        Assert.Equal(restAnswer.Units.SelectMany(u => u.Assets), grpc.Units.SelectMany(u => u.Assets));
    }

    [Fact]
    public async Task Query_WithAssetKinds_AsksOnlyTheUnitsThatAnswerThem()
    {
        await using var host = await GatewayTestHost.StartAsync();

        var answer = await host.Enforcement(Requests.JudgeToken).QueryAssetsAsync(Requests.AssetQuery(Requests.Debtor, "REAL_ESTATE", "VEHICLE"));

        var expected = GatewayTestHost.Catalog.UnitsAnswering(["REAL_ESTATE", "VEHICLE"]).Select(u => u.Id);
        Assert.Equal(expected, answer.Units.Select(u => u.UnitId));
        Assert.Equal(["REAL_ESTATE", "VEHICLE"], answer.AssetKinds);
        Assert.All(answer.Units.SelectMany(u => u.Assets), a => Assert.Contains(a.AssetKind, new[] { "REAL_ESTATE", "VEHICLE" }));
    }

    [Fact]
    public async Task NoAssetsPersona_EveryUnitAnswersNotFound_AndTheAnswerIsComplete()
    {
        await using var host = await GatewayTestHost.StartAsync();

        var answer = await host.Enforcement(Requests.JudgeToken).QueryAssetsAsync(
            Requests.AssetQuery(GatewayTestHost.Personas.WithTag("no-assets")));

        Assert.NotEmpty(answer.Units);
        Assert.All(answer.Units, u => Assert.Equal(UnitStatus.NotFound, u.Status));
        Assert.True(answer.Complete);
    }

    [Fact]
    public async Task SlowUnit_GetsTimeout_WhileTheOthersAnswer()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var catalog = GatewayTestHost.Catalog;
        var registry = catalog.UnitsAnswering(["REAL_ESTATE"]).Single();
        var banks = catalog.UnitsAnswering(["DEPOSIT"]);
        // The registry must give up before any bank would, so advancing past its timeout times out only the registry.
        Assert.True(catalog.TimeoutMsOf(registry) < banks.Min(catalog.TimeoutMsOf));
        host.Simulator.Behaviours.SetLatency(registry.Id, TimeSpan.FromMinutes(1));

        var query = host.Enforcement(Requests.JudgeToken).QueryAssetsAsync(Requests.AssetQuery(Requests.Debtor, "REAL_ESTATE", "DEPOSIT")).ResponseAsync;
        await host.Simulator.Stats.WaitForInFlightAsync(1, TestContext.Deadline);
        await Eventually.HoldsAsync(() => host.Simulator.Stats.TotalCalls == 1 + banks.Count && host.Simulator.Stats.InFlight(registry.Id) == 1);
        host.Time.Advance(TimeSpan.FromMilliseconds(catalog.TimeoutMsOf(registry) + 1));
        var answer = await query.WaitAsync(TestContext.Timeout);

        var registryAnswer = answer.Units.Single(u => u.UnitId == registry.Id);
        Assert.Equal(UnitStatus.Timeout, registryAnswer.Status);
        Assert.Equal(catalog.TimeoutMsOf(registry) + 1, registryAnswer.LatencyMs);
        Assert.Equal(banks.Count, answer.Units.Count(u => u.Status is UnitStatus.Ok or UnitStatus.NotFound));
        Assert.Contains(answer.Units, u => u.Status == UnitStatus.Ok);
        Assert.False(answer.Complete);
    }

    [Fact]
    public async Task Query_AsksEveryUnitAtOnce()
    {
        await using var host = await GatewayTestHost.StartAsync(latency: TimeSpan.FromSeconds(1));
        var units = GatewayTestHost.Catalog.UnitsAnswering([]);

        var query = host.Enforcement(Requests.JudgeToken).QueryAssetsAsync(Requests.AssetQuery(Requests.Debtor)).ResponseAsync;
        // Every unit is waiting on the fake clock: if the gateway asked them one after another, they could not all be in flight.
        await host.Simulator.Stats.WaitForInFlightAsync(units.Count, TestContext.Deadline);
        host.Time.Advance(TimeSpan.FromSeconds(1));
        var answer = await query.WaitAsync(TestContext.Timeout);

        Assert.Equal(units.Count, host.Simulator.Stats.MaxInFlightOverall);
        Assert.All(answer.Units, u => Assert.Contains(u.Status, new[] { UnitStatus.Ok, UnitStatus.NotFound }));
    }

    [Fact]
    public async Task UnreachableUnits_AreUnavailable_AndTheQueryStillAnswers()
    {
        await using var host = await GatewayTestHost.StartAsync(unitEndpoint: new Uri("http://127.0.0.1:1"));

        var answer = await host.Enforcement(Requests.JudgeToken).QueryAssetsAsync(Requests.AssetQuery(Requests.Debtor, "REAL_ESTATE", "TAX"));

        Assert.Equal(2, answer.Units.Count);
        Assert.All(answer.Units, u => Assert.Equal(UnitStatus.Unavailable, u.Status));
        Assert.False(answer.Complete);
    }
}
