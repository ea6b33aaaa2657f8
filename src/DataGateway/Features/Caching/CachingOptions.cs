using System.ComponentModel.DataAnnotations;

namespace DataGateway.Features.Caching;

/// <summary>Settings of the "Caching" section.</summary>
public sealed class CachingOptions
{
    /// <summary>Cache units' answers at all. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long an explicit empty answer (NOT_FOUND) is served from cache, at most; an item's own lifetime still
    /// caps it. Short, because "nothing there" is the answer most likely to change (a new title, a new account).
    /// Default 60 s.
    /// </summary>
    [Range(0, 86_400)]
    public int NotFoundSeconds { get; set; } = 60;
}

/// <summary>Settings of the "Redis" section: the shared second-level cache.</summary>
public sealed class RedisOptions
{
    /// <summary>
    /// StackExchange.Redis configuration string, e.g. "127.0.0.1:6379". Default null: memory-only cache (the embedded
    /// default needs no Redis).
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>Prefix of every key, so several deployments can share one Redis. Default "datagateway:".</summary>
    public string InstanceName { get; set; } = "datagateway:";

    /// <summary>
    /// How long one Redis operation may take before the cache gives up on it and the gateway carries on without L2.
    /// Default 250 ms: a cache must never make an answer slower than asking the unit.
    /// </summary>
    [Range(10, 60_000)]
    public int OperationTimeoutMs { get; set; } = 250;
}
