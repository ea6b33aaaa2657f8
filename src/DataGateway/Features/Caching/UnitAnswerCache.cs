using DataGateway.Contracts.V1;
using DataGateway.Domain.Catalog;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;

namespace DataGateway.Features.Caching;

/// <summary>What the cache gave back: the unit's answer, whether this caller's request made the call, and its time.</summary>
internal readonly record struct UnitAnswerLookup(AnswerQueryResponse Response, bool FromCache, DateTimeOffset FetchedAt);

/// <summary>
/// Units' answers in HybridCache (L1 memory, L2 Redis when configured). One entry per unit, asset kinds asked of
/// it, and keyed hash of the subject — the key never holds an identifier. Lifetime is the shortest of the items'
/// cache lifetimes; an empty answer lives at most <see cref="CachingOptions.NotFoundSeconds"/>. Failures are
/// never cached: the fetch throws and HybridCache stores nothing. Identical concurrent lookups share one fetch.
/// Authorisation happens before this is consulted: a hit is an access like any other.
/// </summary>
internal sealed class UnitAnswerCache(
    HybridCache cache,
    UnitCatalog catalog,
    IOptions<CachingOptions> options,
    TimeProvider timeProvider)
{
    private static readonly HybridCacheEntryOptions FreshRead = new()
    {
        Flags = HybridCacheEntryFlags.DisableLocalCacheRead | HybridCacheEntryFlags.DisableDistributedCacheRead,
    };

    private readonly Dictionary<string, TimeSpan> _lifetimeByKindSet = [];
    private readonly Lock _lifetimeLock = new();

    /// <summary>
    /// Returns the cached answer, or calls <paramref name="fetch"/> and caches its answer.
    /// <paramref name="unitAssetKinds"/> are the asset kinds asked of this unit (those it serves), in catalog order.
    /// </summary>
    public async ValueTask<UnitAnswerLookup> GetOrFetchAsync<TState>(
        UnitDefinition unit,
        IReadOnlyList<string> unitAssetKinds,
        string subjectHash,
        bool fresh,
        Func<TState, CancellationToken, ValueTask<AnswerQueryResponse>> fetch,
        TState state,
        CancellationToken cancellationToken)
    {
        var kinds = string.Join(',', unitAssetKinds);
        var key = $"answer:v1:{unit.Id}:{kinds}:{subjectHash}";
        return await FetchThroughCacheAsync(key, LifetimeOf(kinds, unitAssetKinds), fresh, fetch, state, cancellationToken);
    }

    /// <summary>
    /// The same for a question by data items: <paramref name="unitDataItems"/> are the items asked of this unit (those it
    /// serves), in its catalog order. The entry lives as long as the shortest-lived of them.
    /// </summary>
    public async ValueTask<UnitAnswerLookup> GetOrFetchItemsAsync<TState>(
        UnitDefinition unit,
        IReadOnlyList<string> unitDataItems,
        string subjectHash,
        bool fresh,
        Func<TState, CancellationToken, ValueTask<AnswerQueryResponse>> fetch,
        TState state,
        CancellationToken cancellationToken)
    {
        var seconds = int.MaxValue;
        foreach (var code in unitDataItems)
        {
            seconds = Math.Min(seconds, catalog.TryGetDataItem(code, out var item) ? item.CacheSeconds : 0);
        }

        var lifetime = seconds == int.MaxValue ? TimeSpan.Zero : TimeSpan.FromSeconds(seconds);
        // "items=" keeps these keys apart from asset-kind keys whatever the codes look like.
        var key = $"answer:v1:{unit.Id}:items={string.Join(',', unitDataItems)}:{subjectHash}";
        return await FetchThroughCacheAsync(key, lifetime, fresh, fetch, state, cancellationToken);
    }

    private async ValueTask<UnitAnswerLookup> FetchThroughCacheAsync<TState>(
        string key,
        TimeSpan lifetime,
        bool fresh,
        Func<TState, CancellationToken, ValueTask<AnswerQueryResponse>> fetch,
        TState state,
        CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled || lifetime <= TimeSpan.Zero)
        {
            return new(await fetch(state, cancellationToken), false, timeProvider.GetUtcNow());
        }

        var call = new FetchCall<TState>(fetch, state, timeProvider);
        var entry = fresh ? WithLifetime(FreshRead, lifetime) : EntryOptions(lifetime);
        var cached = await cache.GetOrCreateAsync(key, call, static (c, token) => c.RunAsync(token), entry, cancellationToken: cancellationToken);

        // An empty answer older than its short lifetime is asked again (the entry itself lives as long as the item's).
        if (!call.Ran && cached.Response.Assets.Count == 0
            && timeProvider.GetUtcNow() - cached.FetchedAt > TimeSpan.FromSeconds(options.Value.NotFoundSeconds))
        {
            call = new FetchCall<TState>(fetch, state, timeProvider);
            cached = await cache.GetOrCreateAsync(key, call, static (c, token) => c.RunAsync(token), WithLifetime(FreshRead, lifetime), cancellationToken: cancellationToken);
        }

        return new(cached.Response, !call.Ran, cached.FetchedAt);
    }

    /// <param name="key">The kinds joined with commas, as in the cache key (built once per lookup, used twice).</param>
    private TimeSpan LifetimeOf(string key, IReadOnlyList<string> assetKinds)
    {
        lock (_lifetimeLock)
        {
            if (_lifetimeByKindSet.TryGetValue(key, out var known))
            {
                return known;
            }
        }

        var seconds = int.MaxValue;
        foreach (var kind in assetKinds)
        {
            foreach (var code in catalog.DataItemsOf(kind))
            {
                catalog.TryGetDataItem(code, out var item);
                seconds = Math.Min(seconds, item!.CacheSeconds);
            }
        }

        var lifetime = seconds == int.MaxValue ? TimeSpan.Zero : TimeSpan.FromSeconds(seconds);
        lock (_lifetimeLock)
        {
            _lifetimeByKindSet[key] = lifetime;
        }

        return lifetime;
    }

    private readonly Dictionary<TimeSpan, HybridCacheEntryOptions> _entryOptions = [];

    private HybridCacheEntryOptions EntryOptions(TimeSpan lifetime)
    {
        lock (_lifetimeLock)
        {
            if (!_entryOptions.TryGetValue(lifetime, out var entry))
            {
                entry = new HybridCacheEntryOptions { Expiration = lifetime, LocalCacheExpiration = lifetime };
                _entryOptions[lifetime] = entry;
            }

            return entry;
        }
    }

    private static HybridCacheEntryOptions WithLifetime(HybridCacheEntryOptions flags, TimeSpan lifetime) => new()
    {
        Flags = flags.Flags,
        Expiration = lifetime,
        LocalCacheExpiration = lifetime,
    };

    /// <summary>One fetch, remembering whether it ran in this caller's lookup.</summary>
    private sealed class FetchCall<TState>(
        Func<TState, CancellationToken, ValueTask<AnswerQueryResponse>> fetch,
        TState state,
        TimeProvider timeProvider)
    {
        public bool Ran { get; private set; }

        public async ValueTask<CachedUnitAnswer> RunAsync(CancellationToken cancellationToken)
        {
            Ran = true;
            var response = await fetch(state, cancellationToken);
            return new CachedUnitAnswer(response, timeProvider.GetUtcNow());
        }
    }
}
