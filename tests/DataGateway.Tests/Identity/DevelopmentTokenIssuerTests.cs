using System.Security.Cryptography;
using System.Text.Json;
using DataGateway.Domain.Identity;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DataGateway.Tests.Identity;

public sealed class DevelopmentTokenIssuerTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 9, 0, 0, TimeSpan.Zero);

    private static readonly DevelopmentAuthSettings Settings = new()
    {
        Issuer = "https://dev.datagateway.local",
        Audience = "api://datagateway",
        SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
    };

    private static readonly DevelopmentTokenRequest Judge = new()
    {
        Subject = "judge-wang",
        Name = "王法官",
        Roles = [Roles.Judge],
        CourtCode = "浙0604",
    };

    [Fact]
    public async Task Issue_JudgeRequest_ValidatesAgainstSameSettings()
    {
        var clock = new FakeTimeProvider(Now);
        var token = DevelopmentTokenIssuer.Issue(Settings, Judge, clock);

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, Settings.CreateValidationParameters(clock));

        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal("judge-wang", result.Claims[GatewayClaimTypes.Subject]);
        Assert.Equal("王法官", result.ClaimsIdentity.Name);
        Assert.True(result.ClaimsIdentity.HasClaim(GatewayClaimTypes.Roles, Roles.Judge));
        Assert.Equal("浙0604", result.Claims[GatewayClaimTypes.Court]);
        Assert.False(result.Claims.ContainsKey(GatewayClaimTypes.UnitId));
        Assert.Equal(DevelopmentTokenIssuer.TenantId.ToString(), result.Claims[GatewayClaimTypes.TenantId]);
    }

    [Fact]
    public void Issue_SingleRole_WritesRolesAsJsonArray()
    {
        var token = DevelopmentTokenIssuer.Issue(Settings, Judge, new FakeTimeProvider(Now));

        using var payload = DecodePayload(token);
        var roles = payload.RootElement.GetProperty("roles");
        Assert.Equal(JsonValueKind.Array, roles.ValueKind);
        Assert.Equal(["judge"], roles.EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public void Issue_TimeProvider_SetsIssuedNotBeforeAndExpiryFromIt()
    {
        var token = DevelopmentTokenIssuer.Issue(Settings, Judge with { Lifetime = TimeSpan.FromMinutes(30) }, new FakeTimeProvider(Now));

        using var payload = DecodePayload(token);
        var root = payload.RootElement;
        Assert.Equal(Now.ToUnixTimeSeconds(), root.GetProperty("iat").GetInt64());
        Assert.Equal(Now.ToUnixTimeSeconds(), root.GetProperty("nbf").GetInt64());
        Assert.Equal(Now.AddMinutes(30).ToUnixTimeSeconds(), root.GetProperty("exp").GetInt64());
    }

    [Fact]
    public async Task Issue_UnitRequest_CarriesUnitIdAndSeveralRoles()
    {
        var request = new DevelopmentTokenRequest { Subject = "bank-sxrcb-system", Roles = [Roles.Unit, Roles.Auditor], UnitIds = ["bank-sxrcb"] };
        var clock = new FakeTimeProvider(Now);

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(
            DevelopmentTokenIssuer.Issue(Settings, request, clock), Settings.CreateValidationParameters(clock));

        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal("bank-sxrcb", result.Claims[GatewayClaimTypes.UnitId]);
        Assert.True(result.ClaimsIdentity.HasClaim(GatewayClaimTypes.Roles, Roles.Unit));
        Assert.True(result.ClaimsIdentity.HasClaim(GatewayClaimTypes.Roles, Roles.Auditor));
        Assert.Equal("bank-sxrcb-system", result.ClaimsIdentity.Name);
    }

    [Fact]
    public async Task Validate_TokenMintedPastItsLifetime_IsExpired()
    {
        var clock = new FakeTimeProvider(Now);
        var token = DevelopmentTokenIssuer.Issue(Settings, Judge, clock);
        clock.Advance(DevelopmentTokenRequest.DefaultLifetime + TimeSpan.FromMinutes(10));

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, Settings.CreateValidationParameters(clock));

        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenExpiredException>(result.Exception);
    }

    [Fact]
    public async Task Validate_TokenNotYetValid_IsRefused()
    {
        var clock = new FakeTimeProvider(Now);
        var token = DevelopmentTokenIssuer.Issue(Settings, Judge, new FakeTimeProvider(Now.AddHours(1)));

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, Settings.CreateValidationParameters(clock));

        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenNotYetValidException>(result.Exception);
    }

    [Fact]
    public async Task Validate_TokenSignedWithAnotherKey_FailsSignature()
    {
        var clock = new FakeTimeProvider(Now);
        var other = Settings with { SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };
        var token = DevelopmentTokenIssuer.Issue(other, Judge, clock);

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, Settings.CreateValidationParameters(clock));

        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenInvalidSignatureException>(result.Exception, exactMatch: false);
    }

    [Fact]
    public async Task Validate_TokenForAnotherAudience_IsRefused()
    {
        var clock = new FakeTimeProvider(Now);
        var token = DevelopmentTokenIssuer.Issue(Settings with { Audience = "api://other" }, Judge, clock);

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, Settings.CreateValidationParameters(clock));

        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenInvalidAudienceException>(result.Exception);
    }

    [Fact]
    public void ObjectIdFor_SameSubject_IsStableAndDistinctPerSubject()
    {
        var first = DevelopmentTokenIssuer.ObjectIdFor("judge-wang");

        Assert.Equal(first, DevelopmentTokenIssuer.ObjectIdFor("judge-wang"));
        Assert.NotEqual(first, DevelopmentTokenIssuer.ObjectIdFor("judge-li"));
        Assert.Equal(8, first.Version);
    }

    [Theory]
    [InlineData("judge,clerk", null, "unknown role 'clerk'; valid roles are judge, notary, agency-admin, unit, auditor")]
    [InlineData("", null, "at least one role is required (judge, notary, agency-admin, unit, auditor, court-system)")]
    [InlineData("unit", null, "role 'unit' requires exactly one unit id (the catalog id of the unit, e.g. bank-sxrcb)")]
    [InlineData("judge", "0604", "court code '0604' must be 浙 followed by 4 digits, e.g. 浙0604")]
    public void Issue_InvalidRequest_Throws(string roles, string? court, string expectedReason)
    {
        var request = new DevelopmentTokenRequest
        {
            Subject = "someone",
            Roles = roles.Split(',', StringSplitOptions.RemoveEmptyEntries),
            CourtCode = court,
        };

        var ex = Assert.Throws<ArgumentException>(() => DevelopmentTokenIssuer.Issue(Settings, request, new FakeTimeProvider(Now)));

        Assert.Contains(expectedReason, ex.Message, StringComparison.Ordinal);
    }

    private static JsonDocument DecodePayload(string token) => JsonDocument.Parse(Base64UrlEncoder.Decode(token.Split('.')[1]));
}
