using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace DataGateway.Features.Caching;

internal static class CachingFeature
{
    /// <summary>
    /// HybridCache with L1 memory and, when Redis:Configuration is set, L2 Redis behind
    /// <see cref="ResilientDistributedCache"/>; memory only otherwise.
    /// </summary>
    public static WebApplicationBuilder AddCaching(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CachingOptions>().BindConfiguration("Caching").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<RedisOptions>().BindConfiguration("Redis").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHybridCache(options =>
        {
            // Units' answers for one subject are small; a larger one is not worth caching.
            options.MaximumPayloadBytes = 1024 * 1024;
        }).AddSerializer<CachedUnitAnswer, CachedUnitAnswerSerializer>();
        builder.Services.AddSingleton<UnitAnswerCache>();

        var redis = builder.Configuration.GetSection("Redis").Get<RedisOptions>() ?? new RedisOptions();
        if (!string.IsNullOrWhiteSpace(redis.Configuration))
        {
            builder.Services.AddSingleton<IConnectionMultiplexer>(_ => Connect(redis));
            builder.Services.AddSingleton(sp => new ResilientDistributedCache(
                new RedisCache(Options.Create(new RedisCacheOptions
                {
                    InstanceName = redis.InstanceName,
                    ConnectionMultiplexerFactory = () => Task.FromResult(sp.GetRequiredService<IConnectionMultiplexer>()),
                })),
                sp.GetRequiredService<IConnectionMultiplexer>(),
                sp.GetRequiredService<ILogger<ResilientDistributedCache>>()));
            builder.Services.AddSingleton<IDistributedCache>(sp => sp.GetRequiredService<ResilientDistributedCache>());
        }

        builder.Services.AddHealthChecks().AddCheck<CacheHealthCheck>("cache");
        return builder;
    }

    private static ConnectionMultiplexer Connect(RedisOptions redis)
    {
        var configuration = ConfigurationOptions.Parse(redis.Configuration!);
        // Start even when Redis is down, and keep reconnecting in the background.
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = Math.Max(redis.OperationTimeoutMs * 4, 1000);
        configuration.AsyncTimeout = redis.OperationTimeoutMs;
        configuration.SyncTimeout = redis.OperationTimeoutMs;
        configuration.ReconnectRetryPolicy = new ExponentialRetry(250, 5000);
        return ConnectionMultiplexer.Connect(configuration);
    }
}

/// <summary>Healthy with memory only or a connected Redis; Degraded while Redis is configured but unreachable.</summary>
internal sealed class CacheHealthCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var l2 = services.GetService<ResilientDistributedCache>();
        return Task.FromResult(l2 switch
        {
            null => HealthCheckResult.Healthy("memory cache (no Redis configured)"),
            { Degraded: true } => HealthCheckResult.Degraded("Redis unreachable: answering from units and memory"),
            _ => HealthCheckResult.Healthy("memory + Redis"),
        });
    }
}
