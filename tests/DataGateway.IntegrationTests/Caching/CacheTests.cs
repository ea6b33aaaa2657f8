using System.Net.Http.Json;
using System.Text.Json;
using DataGateway.Contracts.V1;
using DataGateway.IntegrationTests.Infrastructure;
using DataGateway.Simulator;

namespace DataGateway.IntegrationTests.Caching;

/// <summary>Caching against a real redis-server; each test has its own key prefix so tests never share entries.</summary>
public sealed class CacheTests
{
    private static Dictionary<string, string?> RedisSettings(string prefix, string? configuration = null) => new()
    {
        ["Redis:Configuration"] = configuration ?? RedisServer.SharedConfiguration,
        ["Redis:InstanceName"] = prefix,
    };

    private static string NewPrefix() => $"test-{Guid.NewGuid():N}:";

    private static string RegistryId => GatewayTestHost.Catalog.UnitsAnswering(["REAL_ESTATE"]).Single().Id;

    [Fact]
    public async Task SecondIdenticalQuery_IsServedFromCache_AndTheUnitSawOneCall()
    {
        await using var host = await GatewayTestHost.StartAsync(settings: RedisSettings(NewPrefix()));
        var client = host.Enforcement(Requests.JudgeToken);
        var request = Requests.AssetQuery(Requests.Debtor, "REAL_ESTATE");

        var first = await client.QueryAssetsAsync(request);
        host.Time.Advance(TimeSpan.FromSeconds(5));
        var second = await client.QueryAssetsAsync(request);

        Assert.Equal(1, host.Simulator.Stats.CallsTo(RegistryId));
        Assert.False(first.Units[0].FromCache);
        Assert.True(second.Units[0].FromCache);
        Assert.Equal(5000, second.Units[0].AnswerAgeMs);
        Assert.Equal(first.Units[0].Assets, second.Units[0].Assets);
    }

    [Fact]
    public async Task FreshQuery_SkipsTheCache_AndRefreshesIt()
    {
        await using var host = await GatewayTestHost.StartAsync(settings: RedisSettings(NewPrefix()));
        var client = host.Enforcement(Requests.JudgeToken);
        var request = Requests.AssetQuery(Requests.Debtor, "REAL_ESTATE");
        await client.QueryAssetsAsync(request);

        request.Fresh = true;
        var fresh = await client.QueryAssetsAsync(request);
        request.Fresh = false;
        var afterwards = await client.QueryAssetsAsync(request);

        Assert.Equal(2, host.Simulator.Stats.CallsTo(RegistryId));
        Assert.False(fresh.Units[0].FromCache);
        Assert.True(afterwards.Units[0].FromCache);
    }

    [Fact]
    public async Task HundredConcurrentIdenticalQueries_MakeOneCallPerUnit()
    {
        await using var host = await GatewayTestHost.StartAsync(latency: TimeSpan.FromSeconds(1), settings: RedisSettings(NewPrefix()));
        var client = host.Enforcement(Requests.JudgeToken);
        var request = Requests.AssetQuery(Requests.Debtor);
        var units = GatewayTestHost.Catalog.UnitsAnswering([]);

        var queries = Enumerable.Range(0, 100).Select(_ => client.QueryAssetsAsync(request).ResponseAsync).ToArray();
        await host.Simulator.Stats.WaitForInFlightAsync(units.Count, TestContext.Deadline);
        host.Time.Advance(TimeSpan.FromSeconds(1));
        var answers = await Task.WhenAll(queries).WaitAsync(TestContext.Timeout);

        Assert.All(units, u => Assert.Equal(1, host.Simulator.Stats.CallsTo(u.Id)));
        Assert.All(answers, a => Assert.True(a.Complete));
    }

    [Fact]
    public async Task AnotherReplica_SharingRedis_AnswersFromTheSharedCache()
    {
        var prefix = NewPrefix();
        await using var first = await GatewayTestHost.StartAsync(settings: RedisSettings(prefix));
        await using var second = await GatewayTestHost.StartAsync(settings: RedisSettings(prefix));
        var request = Requests.AssetQuery(Requests.Debtor, "REAL_ESTATE", "VEHICLE");

        await first.Enforcement(Requests.JudgeToken).QueryAssetsAsync(request);
        await RedisServer.WaitUntilAsync(
            () => RedisServer.DumpAsync(RedisServer.SharedConfiguration, prefix).GetAwaiter().GetResult().Count == 2,
            "the first replica's answers never reached Redis");
        var answer = await second.Enforcement(Requests.JudgeToken).QueryAssetsAsync(request);

        Assert.Equal(0, second.Simulator.Stats.TotalCalls);
        Assert.All(answer.Units, u => Assert.True(u.FromCache));
    }

    [Fact]
    public async Task RedisEntries_HoldNoPlainIdentifier()
    {
        var prefix = NewPrefix();
        await using var host = await GatewayTestHost.StartAsync(settings: RedisSettings(prefix));
        var client = host.Enforcement(Requests.JudgeToken);
        var personas = new[] { Requests.Debtor, GatewayTestHost.Personas.WithTag("company"), GatewayTestHost.Personas.WithTag("no-assets") };
        foreach (var persona in personas)
        {
            await client.QueryAssetsAsync(Requests.AssetQuery(persona));
        }

        var entries = await RedisServer.DumpAsync(RedisServer.SharedConfiguration, prefix);

        Assert.NotEmpty(entries);
        foreach (var persona in personas)
        {
            var identifier = persona.IdNumber ?? persona.CreditCode!;
            Assert.DoesNotContain(entries, e => e.Key.Contains(identifier, StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain(entries, e => e.Value.Contains(identifier, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task EmptyAnswer_IsCachedOnlyBriefly()
    {
        await using var host = await GatewayTestHost.StartAsync(settings: RedisSettings(NewPrefix()));
        var client = host.Enforcement(Requests.JudgeToken);
        var request = Requests.AssetQuery(GatewayTestHost.Personas.WithTag("no-assets"), "REAL_ESTATE");

        await client.QueryAssetsAsync(request);
        host.Time.Advance(TimeSpan.FromSeconds(30));
        var withinLifetime = await client.QueryAssetsAsync(request);
        host.Time.Advance(TimeSpan.FromSeconds(31));
        var afterLifetime = await client.QueryAssetsAsync(request);

        Assert.True(withinLifetime.Units[0].FromCache);
        Assert.False(afterLifetime.Units[0].FromCache);
        Assert.Equal(UnitStatus.NotFound, afterLifetime.Units[0].Status);
        Assert.Equal(2, host.Simulator.Stats.CallsTo(RegistryId));
    }

    [Fact]
    public async Task FailedAnswers_AreNeverCached()
    {
        await using var host = await GatewayTestHost.StartAsync(settings: RedisSettings(NewPrefix()));
        var client = host.Enforcement(Requests.JudgeToken);
        var request = Requests.AssetQuery(Requests.Debtor, "REAL_ESTATE");
        host.Simulator.Behaviours.SetFault(RegistryId, new UnitFault { ErrorRate = 1.0 });

        var failed = await client.QueryAssetsAsync(request);
        host.Simulator.Behaviours.ClearFault(RegistryId);
        var recovered = await client.QueryAssetsAsync(request);

        Assert.Equal(UnitStatus.Error, failed.Units[0].Status);
        Assert.Equal(UnitStatus.Ok, recovered.Units[0].Status);
        Assert.False(recovered.Units[0].FromCache);
    }

    [Fact]
    public async Task RedisStoppedMidTest_QueriesStillSucceed_AndCachingResumesWhenItReturns()
    {
        await using var redis = await RedisServer.StartPrivateAsync();
        var prefix = NewPrefix();
        await using var host = await GatewayTestHost.StartAsync(settings: RedisSettings(prefix, redis.Configuration));
        var client = host.Enforcement(Requests.JudgeToken);
        using var rest = host.Rest(token: null);
        await client.QueryAssetsAsync(Requests.AssetQuery(Requests.Debtor, "REAL_ESTATE"));

        await redis.StopAsync();
        var duringOutage = await client.QueryAssetsAsync(Requests.AssetQuery(Requests.Debtor, "VEHICLE"));
        var health = await rest.GetFromJsonAsync<JsonElement>("/healthz");

        Assert.True(duringOutage.Complete);
        Assert.Equal(UnitStatus.Ok, duringOutage.Units[0].Status);
        Assert.Equal("Degraded", health.GetProperty("checks").GetProperty("cache").GetProperty("status").GetString());

        await redis.StartAsync();
        await RedisServer.WaitUntilAsync(
            () => rest.GetFromJsonAsync<JsonElement>("/healthz").GetAwaiter().GetResult()
                .GetProperty("checks").GetProperty("cache").GetProperty("status").GetString() == "Healthy",
            "the gateway never reconnected to Redis");
        await client.QueryAssetsAsync(Requests.AssetQuery(Requests.Debtor, "DEPOSIT"));

        var keys = await RedisServer.DumpAsync(redis.Configuration, prefix);
        Assert.NotEmpty(keys);
    }
}
