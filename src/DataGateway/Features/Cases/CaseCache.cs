using Microsoft.Extensions.Options;

namespace DataGateway.Features.Cases;

/// <summary>
/// A short-lived copy of recently used cases, so the check in front of every query rarely touches the store.
/// A PutCase on this replica invalidates at once; another replica's copy is at most <see cref="CasesOptions.CacheSeconds"/>
/// old. Misses are not cached: a case the court has just registered must be usable on the next request.
/// </summary>
internal sealed class CaseCache(TimeProvider timeProvider, IOptions<CasesOptions> options)
{
    /// <summary>Far more cases than a district's judges work on in one cache lifetime; beyond it the cache starts over.</summary>
    public const int MaxEntries = 10_000;

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly TimeSpan _lifetime = TimeSpan.FromSeconds(options.Value.CacheSeconds);
    private long _generation;

    /// <summary>
    /// Call before reading the store, and pass the result to <see cref="TryAdd"/>, so a read that raced with a
    /// PutCase can never put the older version back after the put invalidated it.
    /// </summary>
    public long Generation
    {
        get
        {
            lock (_lock)
            {
                return _generation;
            }
        }
    }

    public bool TryGet(string caseNumber, out RegisteredCase? registered)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(caseNumber, out var entry) && entry.ExpiresAt > timeProvider.GetUtcNow())
            {
                registered = entry.Case;
                return true;
            }

            registered = null;
            return false;
        }
    }

    public void TryAdd(RegisteredCase registered, long generation)
    {
        if (_lifetime <= TimeSpan.Zero)
        {
            return;
        }

        lock (_lock)
        {
            if (generation != _generation)
            {
                return;
            }

            if (_entries.Count >= MaxEntries)
            {
                _entries.Clear();
            }

            _entries[registered.CaseNumber] = new Entry(registered, timeProvider.GetUtcNow() + _lifetime);
        }
    }

    public void Invalidate(string caseNumber)
    {
        lock (_lock)
        {
            _generation++;
            _entries.Remove(caseNumber);
        }
    }

    private sealed record Entry(RegisteredCase Case, DateTimeOffset ExpiresAt);
}
