using DataGateway.Contracts.V1;
using DataGateway.Features.Cases;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DataGateway.IntegrationTests.Cases;

public sealed class CaseCacheTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch);

    private static RegisteredCase Case(CaseState state) => new(
        new CaseRegistration("(2024)浙0604执1234号", "浙0604", "执", ["judge-wang"], [], state, new DateOnly(2024, 3, 18)),
        DateTimeOffset.UnixEpoch);

    private CaseCache Cache(int seconds = 30) => new(_time, Options.Create(new CasesOptions { CacheSeconds = seconds }));

    [Fact]
    public void TryGet_WithinLifetime_Hits_AndAfterItMisses()
    {
        var cache = Cache();
        cache.TryAdd(Case(CaseState.Open), cache.Generation);

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.True(cache.TryGet("(2024)浙0604执1234号", out var hit));
        Assert.Equal(CaseState.Open, hit!.Registration.State);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(cache.TryGet("(2024)浙0604执1234号", out _));
    }

    [Fact]
    public void Invalidate_RemovesTheCase()
    {
        var cache = Cache();
        cache.TryAdd(Case(CaseState.Open), cache.Generation);

        cache.Invalidate("(2024)浙0604执1234号");

        Assert.False(cache.TryGet("(2024)浙0604执1234号", out _));
    }

    [Fact]
    public void TryAdd_OfAReadThatStartedBeforeAnInvalidation_IsDropped()
    {
        // A check read the open case from the store; meanwhile a PutCase closed it and invalidated.
        var cache = Cache();
        var readStartedAt = cache.Generation;
        cache.Invalidate("(2024)浙0604执1234号");

        cache.TryAdd(Case(CaseState.Open), readStartedAt);

        Assert.False(cache.TryGet("(2024)浙0604执1234号", out _));
    }

    [Fact]
    public void TryAdd_WithZeroLifetime_CachesNothing()
    {
        var cache = Cache(seconds: 0);

        cache.TryAdd(Case(CaseState.Open), cache.Generation);

        Assert.False(cache.TryGet("(2024)浙0604执1234号", out _));
    }
}
