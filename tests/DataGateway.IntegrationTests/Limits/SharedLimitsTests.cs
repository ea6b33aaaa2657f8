using System.Net;
using DataGateway.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace DataGateway.IntegrationTests.Limits;

/// <summary>Two replicas on one Redis: a user's budget is the configured one in all, not one per replica.</summary>
public sealed class SharedLimitsTests
{
    private static Dictionary<string, string?> ThreePerMinuteOnSharedRedis(string prefix) => new()
    {
        ["Limits:Roles:judge"] = "3",
        ["Redis:Configuration"] = RedisServer.SharedConfiguration,
        ["Redis:InstanceName"] = prefix,
    };

    [Fact]
    public async Task JudgeAcrossTwoReplicas_GetsOneBudget_AndItRefillsWithTime()
    {
        var settings = ThreePerMinuteOnSharedRedis("limits-" + Guid.NewGuid().ToString("N") + ":");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var a = await GatewayTestHost.StartAsync(settings: settings, time: time);
        await using var b = await GatewayTestHost.StartAsync(settings: settings, time: time);
        using var onA = a.Rest(Requests.JudgeTokenFor("judge-wang"));
        using var onB = b.Rest(Requests.JudgeTokenFor("judge-wang"));
        using var otherJudge = b.Rest(Requests.JudgeTokenFor("judge-li"));

        Assert.Equal(HttpStatusCode.OK, (await onA.GetAsync("/v1/asset-kinds")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/v1/asset-kinds")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await onA.GetAsync("/v1/asset-kinds")).StatusCode);
        using var refused = await onB.GetAsync("/v1/asset-kinds");
        using var other = await otherJudge.GetAsync("/v1/asset-kinds");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(20), refused.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);

        // One request's worth refills every 20 s (3 a minute), on either replica.
        time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/v1/asset-kinds")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await onA.GetAsync("/v1/asset-kinds")).StatusCode);
    }

    [Fact]
    public async Task SharedBudget_KeysHoldNoAccountName()
    {
        var prefix = "limits-" + Guid.NewGuid().ToString("N") + ":";
        await using var host = await GatewayTestHost.StartAsync(settings: ThreePerMinuteOnSharedRedis(prefix));
        using var client = host.Rest(Requests.JudgeTokenFor("judge-wang"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/asset-kinds")).StatusCode);

        var entries = await RedisServer.DumpAsync(RedisServer.SharedConfiguration, prefix + "limits:");

        var entry = Assert.Single(entries);
        Assert.DoesNotContain("judge-wang", entry.Key, StringComparison.Ordinal);
    }
}
