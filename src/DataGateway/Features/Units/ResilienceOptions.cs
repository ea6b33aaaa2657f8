using System.ComponentModel.DataAnnotations;
using DataGateway.Domain.Catalog;

namespace DataGateway.Features.Units;

/// <summary>
/// Settings of the "Resilience" section (config/resilience.json): how the gateway protects units and itself.
/// <see cref="Default"/> applies to every unit kind; <see cref="Kinds"/> overrides only the members it names.
/// </summary>
public sealed class ResilienceOptions
{
    /// <summary>Whole-query deadline: no unit is waited for longer, retries included. Default 5000 ms.</summary>
    [Range(100, 600_000)]
    public int QueryDeadlineMs { get; set; } = 5000;

    /// <summary>The profile of every unit kind not overridden in <see cref="Kinds"/>.</summary>
    [Required]
    public UnitResilienceProfile Default { get; set; } = new();

    /// <summary>Per unit kind (e.g. "Bank"), the members that differ from <see cref="Default"/>.</summary>
    public Dictionary<string, UnitResilienceProfile> Kinds { get; set; } = [];
}

/// <summary>How one unit is called. Attempt timeouts come from the catalog (unit, else its kind).</summary>
public sealed class UnitResilienceProfile : IValidatableObject
{
    /// <summary>Calls in flight to one unit at once; protects the unit's own system. Default 32.</summary>
    [Range(1, 10_000)]
    public int MaxConcurrency { get; set; } = 32;

    /// <summary>
    /// Calls that may wait for a free slot; beyond it a call is refused at once (UNAVAILABLE). Default 1000. A call
    /// waits at most the unit's attempt timeout (less if the query deadline leaves less room), then is refused as busy.
    /// </summary>
    [Range(0, 100_000)]
    public int QueueLimit { get; set; } = 1000;

    /// <summary>Retries of an idempotent call after a transient error (never after a timeout). Default 1.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 1;

    /// <summary>First retry delay; later ones back off exponentially with jitter. Default 100 ms.</summary>
    [Range(0, 60_000)]
    public int RetryBaseDelayMs { get; set; } = 100;

    /// <summary>Share of failed calls in the sampling window that opens the circuit. Default 0.5.</summary>
    [Range(0.01, 1.0)]
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Calls needed in the window before the ratio counts. Default 6.</summary>
    [Range(2, 100_000)]
    public int MinimumThroughput { get; set; } = 6;

    /// <summary>
    /// Sampling window of the failure ratio. Default 10000 ms. It bounds how long a dead unit takes to open its circuit
    /// under load: its failures come only as fast as its slots time out, while the successes before it died stay in the
    /// window until they age out of it.
    /// </summary>
    [Range(500, 3_600_000)]
    public int SamplingDurationMs { get; set; } = 10_000;

    /// <summary>How long an open circuit answers CIRCUIT_OPEN before one probe call is let through. Default 30000 ms.</summary>
    [Range(500, 3_600_000)]
    public int BreakDurationMs { get; set; } = 30_000;

    /// <summary>
    /// The window of a second, quicker breaker in front of the ratio breaker: it opens when every one of at least
    /// <see cref="MinimumThroughput"/> calls that ended in this window failed. Default 1000 ms; 0 turns it off (at least
    /// 500 otherwise). A unit that hangs under load opens it with its first timeouts, about one attempt timeout after it
    /// hung, where the ratio breaker waits for the successes from before the hang to age out of its window (about 9 s
    /// at 200 queries/s); a healthy unit with the odd failure never has a window of nothing but failures. Keep it below
    /// the units' attempt timeouts (1.5 s and up in the catalog): a window longer than the timeout still holds the last
    /// successes before the hang when the first timeouts arrive, and opens only with the next ones.
    /// </summary>
    [Range(0, 60_000)]
    public int AllFailedWindowMs { get; set; } = 1000;

    /// <summary>
    /// How long the quick breaker stays open before one probe call. Default 5000 ms: it judges on a short window, so a
    /// brief outage opens it briefly; a unit still failing after that is held open longer by the ratio breaker, which
    /// keeps counting the probes' failures.
    /// </summary>
    [Range(500, 3_600_000)]
    public int AllFailedBreakMs { get; set; } = 5000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Polly samples over at least half a second.
        if (AllFailedWindowMs is > 0 and < 500)
        {
            yield return new ValidationResult("must be 0 (off) or at least 500", [nameof(AllFailedWindowMs)]);
        }
    }

    public UnitResilienceProfile Clone() => (UnitResilienceProfile)MemberwiseClone();
}

/// <summary>Resolves each unit kind's profile once: the default, with the kind's section bound over it.</summary>
internal sealed class ResilienceProfiles
{
    private readonly Dictionary<UnitKind, UnitResilienceProfile> _byKind = [];

    public ResilienceProfiles(IConfiguration configuration)
    {
        var section = configuration.GetSection("Resilience");
        Options = section.Get<ResilienceOptions>() ?? new ResilienceOptions();
        var problems = Validate(Options.Default, "Resilience:Default");
        foreach (var name in Options.Kinds.Keys)
        {
            if (!UnitKinds.TryParse(name, out _))
            {
                problems.Add($"Resilience:Kinds:{name}: unknown unit kind");
            }
        }

        foreach (var kind in Enum.GetValues<UnitKind>())
        {
            var profile = Options.Default.Clone();
            section.GetSection($"Kinds:{kind}").Bind(profile);
            problems.AddRange(Validate(profile, $"Resilience:Kinds:{kind}"));
            _byKind[kind] = profile;
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Resilience settings are invalid:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
        }
    }

    public ResilienceOptions Options { get; }

    public UnitResilienceProfile For(UnitKind kind) => _byKind[kind];

    private static List<string> Validate(object value, string path)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(value, new ValidationContext(value), results, validateAllProperties: true);
        return [.. results.Select(r => $"{path}:{string.Join(',', r.MemberNames)}: {r.ErrorMessage}")];
    }
}
