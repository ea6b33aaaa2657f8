using System.Buffers;
using Microsoft.Extensions.Caching.Distributed;
using StackExchange.Redis;

namespace DataGateway.Features.Caching;

/// <summary>
/// The L2 cache as the gateway uses it: when Redis is unreachable it is skipped at once (a miss, a dropped write),
/// never waited for, and the cache reports itself degraded until the multiplexer reconnects on its own.
/// No request fails or slows down because Redis is down.
/// </summary>
internal sealed partial class ResilientDistributedCache(
    IBufferDistributedCache inner,
    IConnectionMultiplexer connection,
    ILogger<ResilientDistributedCache> logger) : IBufferDistributedCache
{
    private int _failing;

    /// <summary>True while Redis cannot be used; L1 and the units still answer.</summary>
    public bool Degraded => !connection.IsConnected || Volatile.Read(ref _failing) == 1;

    public byte[]? Get(string key) => Guard(() => inner.Get(key), null);

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) =>
        GuardAsync(() => inner.GetAsync(key, token), null);

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) =>
        Guard(() => { inner.Set(key, value, options); return true; }, false);

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        GuardAsync(async () => { await inner.SetAsync(key, value, options, token); return true; }, false);

    public void Refresh(string key) => Guard(() => { inner.Refresh(key); return true; }, false);

    public Task RefreshAsync(string key, CancellationToken token = default) =>
        GuardAsync(async () => { await inner.RefreshAsync(key, token); return true; }, false);

    public void Remove(string key) => Guard(() => { inner.Remove(key); return true; }, false);

    public Task RemoveAsync(string key, CancellationToken token = default) =>
        GuardAsync(async () => { await inner.RemoveAsync(key, token); return true; }, false);

    public bool TryGet(string key, IBufferWriter<byte> destination) => Guard(() => inner.TryGet(key, destination), false);

    public async ValueTask<bool> TryGetAsync(string key, IBufferWriter<byte> destination, CancellationToken token = default) =>
        await GuardAsync(async () => await inner.TryGetAsync(key, destination, token), false);

    public void Set(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options) =>
        Guard(() => { inner.Set(key, value, options); return true; }, false);

    public async ValueTask SetAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        await GuardAsync(async () => { await inner.SetAsync(key, value, options, token); return true; }, false);

    private T Guard<T>(Func<T> operation, T fallback)
    {
        if (!connection.IsConnected)
        {
            return fallback;
        }

        try
        {
            var result = operation();
            Recovered();
            return result;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            Failed(ex);
            return fallback;
        }
    }

    private async Task<T> GuardAsync<T>(Func<Task<T>> operation, T fallback)
    {
        if (!connection.IsConnected)
        {
            return fallback;
        }

        try
        {
            var result = await operation();
            Recovered();
            return result;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            Failed(ex);
            return fallback;
        }
    }

    private void Failed(Exception ex)
    {
        if (Interlocked.Exchange(ref _failing, 1) == 0)
        {
            Log.CacheDegraded(logger, ex.GetType().Name);
        }
    }

    private void Recovered()
    {
        if (Volatile.Read(ref _failing) == 1 && Interlocked.Exchange(ref _failing, 0) == 1)
        {
            Log.CacheRecovered(logger);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "Redis cache unavailable ({Error}); answering from units and memory until it returns")]
        public static partial void CacheDegraded(ILogger logger, string error);

        [LoggerMessage(EventId = 31, Level = LogLevel.Information, Message = "Redis cache is back")]
        public static partial void CacheRecovered(ILogger logger);
    }
}
