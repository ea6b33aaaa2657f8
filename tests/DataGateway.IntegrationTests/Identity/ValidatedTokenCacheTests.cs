using System.Net;
using System.Security.Claims;
using DataGateway.Domain.Identity;
using DataGateway.Features.Identity;
using DataGateway.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DataGateway.IntegrationTests.Identity;

public sealed class ValidatedTokenCacheTests
{
    [Fact]
    public async Task Handler_RememberedToken_IsValidatedInFullAgain_OnceItsExpiryPasses_AndThenRefused()
    {
        var time = new FakeTimeProvider();
        var inner = new CountingHandler(Valid(time, TimeSpan.FromSeconds(30), "judge-wang"));
        var handler = new CachingTokenHandler(inner, new ValidatedTokenCache(time));
        var parameters = new TokenValidationParameters { ClockSkew = TimeSpan.Zero };

        var first = await handler.ValidateTokenAsync("token-a", parameters);
        time.Advance(TimeSpan.FromSeconds(29));
        var remembered = await handler.ValidateTokenAsync("token-a", parameters);
        // Past its expiry the token goes back to full validation, which now refuses it.
        time.Advance(TimeSpan.FromSeconds(2));
        inner.Answer = new TokenValidationResult { IsValid = false, Exception = new SecurityTokenExpiredException("expired") };
        var expired = await handler.ValidateTokenAsync("token-a", parameters);

        Assert.True(first.IsValid);
        Assert.True(remembered.IsValid);
        Assert.False(expired.IsValid);
        Assert.Equal(2, inner.Validations);
    }

    [Fact]
    public async Task Handler_RefusedToken_IsNeverRemembered()
    {
        var time = new FakeTimeProvider();
        var inner = new CountingHandler(new TokenValidationResult { IsValid = false, Exception = new SecurityTokenInvalidSignatureException("forged") });
        var handler = new CachingTokenHandler(inner, new ValidatedTokenCache(time));

        var first = await handler.ValidateTokenAsync("forged", new TokenValidationParameters());
        var second = await handler.ValidateTokenAsync("forged", new TokenValidationParameters());

        Assert.False(first.IsValid);
        Assert.False(second.IsValid);
        Assert.Equal(2, inner.Validations);
    }

    [Fact]
    public async Task Token_AcceptedAgain_WithinItsLifetime_AfterTheCacheForgotIt()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var client = host.Rest(GatewayTestHost.Token(host.Time, Roles.Judge));

        using var first = await client.GetAsync("/v1/units");
        host.Time.Advance(ValidatedTokenCache.MaxAge + TimeSpan.FromSeconds(1));
        using var second = await client.GetAsync("/v1/units");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
    }

    [Fact]
    public void TryGet_GivesEachCallerItsOwnIdentity()
    {
        var time = new FakeTimeProvider();
        var cache = new ValidatedTokenCache(time);
        cache.Remember("token-a", Valid(time, TimeSpan.FromHours(1), "judge-wang"), new TokenValidationParameters());

        var first = cache.TryGet("token-a");
        first!.ClaimsIdentity.AddClaim(new Claim("added", "by-a-later-handler"));
        var second = cache.TryGet("token-a");

        Assert.NotNull(second);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        Assert.Null(second.ClaimsIdentity.FindFirst("added"));
        Assert.Equal("judge-wang", second.ClaimsIdentity.FindFirst("sub")?.Value);
        Assert.Null(cache.TryGet("token-b"));
    }

    [Fact]
    public void TryGet_AfterExpiryPlusSkew_IsNull_AndTheEntryIsDropped()
    {
        var time = new FakeTimeProvider();
        var cache = new ValidatedTokenCache(time);
        cache.Remember("token-a", Valid(time, TimeSpan.FromSeconds(20), "judge-wang"), new TokenValidationParameters { ClockSkew = TimeSpan.FromSeconds(5) });

        time.Advance(TimeSpan.FromSeconds(24));
        var before = cache.TryGet("token-a");
        time.Advance(TimeSpan.FromSeconds(2));
        var after = cache.TryGet("token-a");

        Assert.NotNull(before);
        Assert.Null(after);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Remember_ManyTokens_NeverHoldsMoreThanMaxEntries()
    {
        var time = new FakeTimeProvider();
        var cache = new ValidatedTokenCache(time);
        var result = Valid(time, TimeSpan.FromHours(1), "judge-wang");

        for (var i = 0; i <= ValidatedTokenCache.MaxEntries; i++)
        {
            cache.Remember("token-" + i, result, new TokenValidationParameters());
        }

        Assert.InRange(cache.Count, 1, ValidatedTokenCache.MaxEntries);
    }

    [Fact]
    public void Remember_AFailedValidation_IsNotRemembered()
    {
        var time = new FakeTimeProvider();
        var cache = new ValidatedTokenCache(time);

        cache.Remember("token-a", new TokenValidationResult { IsValid = false }, new TokenValidationParameters());

        Assert.Null(cache.TryGet("token-a"));
    }

    /// <summary>Stands in for the JWT handler: answers what it is told and counts full validations.</summary>
    private sealed class CountingHandler(TokenValidationResult answer) : TokenHandler
    {
        public TokenValidationResult Answer { get; set; } = answer;

        public int Validations { get; private set; }

        public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
        {
            Validations++;
            return Task.FromResult(Answer);
        }
    }

    private static TokenValidationResult Valid(TimeProvider time, TimeSpan lifetime, string subject)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var jwt = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            NotBefore = now - TimeSpan.FromSeconds(1),
            IssuedAt = now - TimeSpan.FromSeconds(1),
            Expires = now + lifetime,
        });
        return new TokenValidationResult
        {
            IsValid = true,
            SecurityToken = new JsonWebToken(jwt),
            ClaimsIdentity = new CaseSensitiveClaimsIdentity([new Claim("sub", subject)], "Bearer"),
        };
    }
}
