using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DataGateway.Domain.Identity;
using DataGateway.IntegrationTests.Infrastructure;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;

namespace DataGateway.IntegrationTests.Identity;

public sealed class AuthenticationTests
{
    [Fact]
    public async Task JudgeToken_IsAccepted()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var client = host.Rest(Requests.JudgeToken);

        using var response = await Requests.PostAssetQueryAsync(client, Requests.RestBody(Requests.AssetQuery(Requests.Debtor, "TAX")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task NoToken_Is401ProblemDetails_AndNoUnitIsAsked()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var client = host.Rest(token: null);

        using var response = await Requests.PostAssetQueryAsync(client, Requests.RestBody(Requests.AssetQuery(Requests.Debtor)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, host.Simulator.Stats.TotalCalls);
    }

    [Fact]
    public async Task ExpiredToken_Is401()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var yesterday = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-1));
        using var client = host.Rest(GatewayTestHost.Token(yesterday, Roles.Judge));

        using var response = await Requests.PostAssetQueryAsync(client, Requests.RestBody(Requests.AssetQuery(Requests.Debtor)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ForgedToken_SignedWithAnotherKey_Is401()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var forger = GatewayTestHost.Auth with { SigningKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) };
        var forged = DevelopmentTokenIssuer.Issue(forger, new DevelopmentTokenRequest { Subject = "mallory", Roles = [Roles.Judge] }, TimeProvider.System);
        using var client = host.Rest(forged);

        using var response = await Requests.PostAssetQueryAsync(client, Requests.RestBody(Requests.AssetQuery(Requests.Debtor)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, host.Simulator.Stats.TotalCalls);
    }

    [Fact]
    public async Task TamperedToken_WithRoleChanged_Is401()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var parts = GatewayTestHost.Token(Roles.Notary).Split('.');
        var payload = Base64UrlEncoder.Decode(parts[1]).Replace("\"notary\"", "\"judge\"", StringComparison.Ordinal);
        using var client = host.Rest($"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}");

        using var response = await Requests.PostAssetQueryAsync(client, Requests.RestBody(Requests.AssetQuery(Requests.Debtor)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData(Roles.Notary)]
    [InlineData(Roles.AgencyAdmin)]
    [InlineData(Roles.Unit)]
    [InlineData(Roles.Auditor)]
    public async Task WrongRole_Is403ProblemDetails_AndNoUnitIsAsked(string role)
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var client = host.Rest(GatewayTestHost.Token(role));

        using var response = await Requests.PostAssetQueryAsync(client, Requests.RestBody(Requests.AssetQuery(Requests.Debtor)));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(403, problem.GetProperty("status").GetInt32());
        Assert.Equal(0, host.Simulator.Stats.TotalCalls);
    }

    [Fact]
    public async Task WrongRole_OverGrpc_IsPermissionDenied()
    {
        await using var host = await GatewayTestHost.StartAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            host.Enforcement(GatewayTestHost.Token(Roles.Notary)).QueryAssetsAsync(Requests.AssetQuery(Requests.Debtor)).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task NoToken_OverGrpc_IsUnauthenticated()
    {
        await using var host = await GatewayTestHost.StartAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            host.Enforcement(token: null).QueryAssetsAsync(Requests.AssetQuery(Requests.Debtor)).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }
}
