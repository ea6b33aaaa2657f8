using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DataGateway.Domain.Identity;
using DataGateway.IntegrationTests.Infrastructure;
using Grpc.Core;

namespace DataGateway.IntegrationTests.Limits;

public sealed class LimitsTests
{
    private static readonly Dictionary<string, string?> TwoPerMinuteForJudges = new() { ["Limits:Roles:judge"] = "2" };

    private static string JudgeToken(string subject) => Requests.JudgeTokenFor(subject);

    [Fact]
    public async Task JudgeOverTheRate_Gets429ProblemDetailsWithRetryAfter_WhileAnotherJudgeIsServed()
    {
        await using var host = await GatewayTestHost.StartAsync(settings: TwoPerMinuteForJudges);
        using var wang = host.Rest(JudgeToken("judge-wang"));
        using var li = host.Rest(JudgeToken("judge-li"));

        Assert.Equal(HttpStatusCode.OK, (await wang.GetAsync("/v1/asset-kinds")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await wang.GetAsync("/v1/asset-kinds")).StatusCode);
        using var refused = await wang.GetAsync("/v1/asset-kinds");
        using var other = await li.GetAsync("/v1/asset-kinds");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(429, (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32());
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task JudgeOverTheRate_OverGrpc_IsResourceExhausted_AndNoUnitIsAsked()
    {
        await using var host = await GatewayTestHost.StartAsync(settings: TwoPerMinuteForJudges);
        var client = host.CatalogClient(JudgeToken("judge-wang"));
        await client.ListAssetKindsAsync(new());
        await client.ListAssetKindsAsync(new());

        var enforcement = host.Enforcement(Requests.JudgeToken);
        var error = await Assert.ThrowsAsync<RpcException>(() => enforcement.QueryAssetsAsync(Requests.AssetQuery(Requests.Debtor)).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal(0, host.Simulator.Stats.TotalCalls);
    }

    [Fact]
    public async Task OversizedBody_IsRefusedAsBadRequest_NotAServerError()
    {
        await using var host = await GatewayTestHost.StartAsync(settings: new Dictionary<string, string?> { ["Limits:MaxRequestBytes"] = "2048" });
        using var client = host.Rest(Requests.JudgeToken);
        var body = $$$"""{"caseNumber":"(2024)浙0604执1234号","subject":{"idNumber":"34052419800101001X","name":"{{{new string('张', 4000)}}}"}}""";

        using var response = await client.PostAsync("/v1/enforcement/asset-queries", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        // Kestrel's 413 reaches the client through JSON transcoding as a 400 whose detail says the body is too large.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, host.Simulator.Stats.TotalCalls);
    }
}
