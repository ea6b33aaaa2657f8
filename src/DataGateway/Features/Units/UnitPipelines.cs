using System.Collections.Concurrent;
using DataGateway.Domain.Catalog;
using Grpc.Core;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Registry;
using Polly.Retry;
using Polly.Telemetry;
using Polly.Timeout;

namespace DataGateway.Features.Units;

/// <summary>
/// Polly pipelines per unit, built on first use from the unit kind's profile.
/// <para>
/// Each attempt goes through the unit's guard — call slots (<see cref="UnitSlots"/>: bounded queue, bounded wait) →
/// quick breaker (every call of a short window failed) → ratio breaker → attempt timeout — so the breakers see only the
/// unit's own outcomes, not the gateway's queueing. The quick breaker stands outside the ratio breaker: a call the
/// ratio breaker refuses is not a failure of the unit, and so counts for nothing against it in the quick one; a call
/// the quick breaker refuses never reaches the ratio breaker.
/// The wait for a slot is bounded so that every call that gets one can still run into its own attempt timeout
/// before the query deadline: that timeout is what the breaker counts, so a hung unit opens its circuit under load
/// too. Idempotent calls are wrapped in a retry outside the guard, so a waiting retry holds no slot and every attempt
/// is counted by the breaker. Commands (matters) share the same guard and therefore the same circuit, without the retry.
/// </para>
/// </summary>
internal sealed class UnitPipelines(
    UnitCatalog catalog,
    ResilienceProfiles profiles,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory) : IDisposable
{
    private TelemetryOptions? _telemetry;

    private readonly ResiliencePipelineRegistry<string> _registry = new(new ResiliencePipelineRegistryOptions<string>
    {
        BuilderFactory = () => new ResiliencePipelineBuilder { TimeProvider = timeProvider },
    });

    private readonly ConcurrentDictionary<string, CircuitBreakerStateProvider> _circuits = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CircuitBreakerStateProvider> _quickCircuits = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, UnitSlots> _slots = new(StringComparer.Ordinal);
    private readonly Lock _building = new();

    /// <summary>Runs one call to <paramref name="unit"/> with its guard and, when <paramref name="idempotent"/>, its retry.</summary>
    public ValueTask<TResult> ExecuteAsync<TResult, TState>(
        UnitDefinition unit,
        bool idempotent,
        Func<TState, CancellationToken, ValueTask<TResult>> call,
        TState state,
        CancellationToken cancellationToken)
    {
        var guard = Guard(unit);
        if (!idempotent)
        {
            return guard.ExecuteAsync(call, state, cancellationToken);
        }

        return Retry(unit).ExecuteAsync(
            static (s, token) => s.guard.ExecuteAsync(s.call, s.state, token),
            (guard, call, state),
            cancellationToken);
    }

    /// <summary>
    /// The unit's circuit state as its two breakers give it together: Open (or Isolated) when either is open, else
    /// HalfOpen when either is probing; Closed for a unit never called.
    /// </summary>
    public CircuitState CircuitOf(UnitDefinition unit)
    {
        var ratio = _circuits.TryGetValue(unit.Id, out var provider) ? provider.CircuitState : CircuitState.Closed;
        var quick = _quickCircuits.TryGetValue(unit.Id, out var quickProvider) ? quickProvider.CircuitState : CircuitState.Closed;
        foreach (var state in WorstFirst)
        {
            if (ratio == state || quick == state)
            {
                return state;
            }
        }

        return CircuitState.Closed;
    }

    private static readonly CircuitState[] WorstFirst = [CircuitState.Isolated, CircuitState.Open, CircuitState.HalfOpen];

    /// <summary>Calls to the unit holding a slot and waiting for one; none for a unit never called.</summary>
    public (int InFlight, int Waiting) SlotsOf(UnitDefinition unit) =>
        _slots.TryGetValue(unit.Id, out var slots) ? (slots.InFlight, slots.Waiting) : (0, 0);

    /// <summary>
    /// The longest a call to <paramref name="unit"/> waits for a slot: its attempt timeout, less when the query
    /// deadline would otherwise cut an attempt that started late short of its own timeout.
    /// </summary>
    public TimeSpan MaxWaitOf(UnitDefinition unit)
    {
        var attemptMs = catalog.TimeoutMsOf(unit);
        return TimeSpan.FromMilliseconds(Math.Clamp(profiles.Options.QueryDeadlineMs - attemptMs, 0, attemptMs));
    }

    private ResiliencePipeline Guard(UnitDefinition unit)
    {
        // Looked up by the unit's id without building a key string: this runs for every call to a unit.
        if (_guards.TryGetValue(unit.Id, out var guard))
        {
            return guard;
        }

        // The registry may run two builders for one key at once (concurrent first calls, as a batch makes); a
        // circuit's state provider can be given to only one of them, so the first build of a guard is serialised.
        lock (_building)
        {
            guard = _registry.GetOrAddPipeline("guard:" + unit.Id, builder => BuildGuard(unit, builder));
            _guards[unit.Id] = guard;
            return guard;
        }
    }

    private readonly ConcurrentDictionary<string, ResiliencePipeline> _guards = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<UnitKind, ResiliencePipeline> _retries = new();

    private void BuildGuard(UnitDefinition unit, ResiliencePipelineBuilder builder)
    {
        var profile = profiles.For(unit.Kind);
        var circuit = _circuits.GetOrAdd(unit.Id, static _ => new CircuitBreakerStateProvider());
        var slots = _slots.GetOrAdd(unit.Id, _ => new UnitSlots(profile.MaxConcurrency, profile.QueueLimit, MaxWaitOf(unit), timeProvider));
        builder.AddRateLimiter(new RateLimiterStrategyOptions { RateLimiter = args => slots.AcquireAsync(args.Context.CancellationToken) });
        if (profile.AllFailedWindowMs > 0)
        {
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                Name = "all-failed",
                FailureRatio = 1.0,
                MinimumThroughput = profile.MinimumThroughput,
                SamplingDuration = TimeSpan.FromMilliseconds(profile.AllFailedWindowMs),
                BreakDuration = TimeSpan.FromMilliseconds(profile.AllFailedBreakMs),
                StateProvider = _quickCircuits.GetOrAdd(unit.Id, static _ => new CircuitBreakerStateProvider()),
                ShouldHandle = UnitFailure,
            });
        }

        builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                Name = "failure-ratio",
                FailureRatio = profile.FailureRatio,
                MinimumThroughput = profile.MinimumThroughput,
                SamplingDuration = TimeSpan.FromMilliseconds(profile.SamplingDurationMs),
                BreakDuration = TimeSpan.FromMilliseconds(profile.BreakDurationMs),
                StateProvider = circuit,
                ShouldHandle = UnitFailure,
            })
            .AddTimeout(TimeSpan.FromMilliseconds(catalog.TimeoutMsOf(unit)))
            .ConfigureTelemetry(Telemetry);
    }

    /// <summary>
    /// Polly's telemetry with one change: a call refused because its unit had no free slot in time is an expected,
    /// counted outcome under load (status UNAVAILABLE "busy", in the metrics), not an error to log — at Error level it
    /// logged ~180 lines a second while a hung unit's breaker was still closed.
    /// </summary>
    private TelemetryOptions Telemetry => _telemetry ??= new TelemetryOptions
    {
        LoggerFactory = loggerFactory,
        SeverityProvider = args => args.Event.EventName == "OnRateLimiterRejected" ? ResilienceEventSeverity.Information : args.Event.Severity,
    };

    private ResiliencePipeline Retry(UnitDefinition unit) =>
        _retries.TryGetValue(unit.Kind, out var retry) ? retry : _retries.GetOrAdd(unit.Kind, _ => BuildRetry(unit));

    private ResiliencePipeline BuildRetry(UnitDefinition unit) => _registry.GetOrAddPipeline("retry:" + unit.Kind, builder =>
    {
        var profile = profiles.For(unit.Kind);
        if (profile.MaxRetries == 0)
        {
            return;
        }

        builder.AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = profile.MaxRetries,
            Delay = TimeSpan.FromMilliseconds(profile.RetryBaseDelayMs),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            // A timeout is not retried: a unit that did not answer in time rarely does on the next try, and the
            // query would wait twice as long. An open circuit or a full queue is not retried either.
            ShouldHandle = new PredicateBuilder().Handle<RpcException>(IsTransient).Handle<HttpRequestException>(),
        }).ConfigureTelemetry(Telemetry);
    });

    /// <summary>What either breaker counts as the unit failing: its own errors, an attempt timeout, no connection.</summary>
    private static readonly PredicateBuilder<object> UnitFailure =
        new PredicateBuilder().Handle<RpcException>(IsUnitFailure).Handle<TimeoutRejectedException>().Handle<HttpRequestException>();

    private static bool IsUnitFailure(RpcException ex) =>
        ex.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown
            or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.DataLoss;

    private static bool IsTransient(RpcException ex) =>
        ex.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown or StatusCode.ResourceExhausted;

    public void Dispose()
    {
        _registry.Dispose();
        foreach (var slots in _slots.Values)
        {
            slots.Dispose();
        }
    }
}
