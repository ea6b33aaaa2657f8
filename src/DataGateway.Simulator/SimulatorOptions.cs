using DataGateway.Domain.Catalog;
using DataGateway.Simulator.Matters;
using Microsoft.Extensions.Logging;

namespace DataGateway.Simulator;

/// <summary>Where the simulator listens and how slowly its units answer (configuration section "Simulator").</summary>
public sealed record SimulatorOptions
{
    public const string SectionName = "Simulator";

    /// <summary>gRPC endpoint (HTTP/2 without TLS). Port 0 binds a free port; <see cref="SimulatorHost.GrpcAddress"/> tells which.</summary>
    public string GrpcUrl { get; init; } = "http://127.0.0.1:5091";

    /// <summary>HTTP/1.1 control API (/sim/..., /healthz). Port 0 binds a free port.</summary>
    public string HttpUrl { get; init; } = "http://127.0.0.1:5090";

    /// <summary>Latency of a unit that neither <see cref="LatencyMsByUnit"/> nor <see cref="LatencyMsByKind"/> names.</summary>
    public int DefaultLatencyMs { get; init; } = 20;

    /// <summary>Latency by <see cref="UnitKind"/> name, e.g. "Bank": 40.</summary>
    public Dictionary<string, int> LatencyMsByKind { get; init; } = new();

    /// <summary>Latency by unit id; wins over <see cref="LatencyMsByKind"/>.</summary>
    public Dictionary<string, int> LatencyMsByUnit { get; init; } = new();

    /// <summary>The simulator's own log level: quiet by default, so it does not drown the gateway it is embedded in.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Warning;

    /// <summary>How the units answer the matters sent to them (section "Simulator:Matters").</summary>
    public MatterFeedbackOptions Matters { get; init; } = new();

    /// <summary>The latency configured for <paramref name="unit"/>.</summary>
    public TimeSpan LatencyOf(UnitDefinition unit)
    {
        ArgumentNullException.ThrowIfNull(unit);
        if (LatencyMsByUnit.TryGetValue(unit.Id, out var byUnit))
        {
            return TimeSpan.FromMilliseconds(byUnit);
        }

        return LatencyMsByKind.TryGetValue(unit.Kind.ToString(), out var byKind)
            ? TimeSpan.FromMilliseconds(byKind)
            : TimeSpan.FromMilliseconds(DefaultLatencyMs);
    }

    /// <summary>Every problem with these options against <paramref name="catalog"/>; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate(UnitCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var problems = new List<string>();
        CheckUrl(GrpcUrl, nameof(GrpcUrl), problems);
        CheckUrl(HttpUrl, nameof(HttpUrl), problems);
        if (DefaultLatencyMs < 0)
        {
            problems.Add($"{SectionName}:{nameof(DefaultLatencyMs)} must be 0 or more (got {DefaultLatencyMs}).");
        }

        foreach (var (kind, ms) in LatencyMsByKind)
        {
            if (!Enum.IsDefined(typeof(UnitKind), kind))
            {
                problems.Add($"{SectionName}:{nameof(LatencyMsByKind)}: '{kind}' is not a unit kind ({string.Join(", ", Enum.GetNames<UnitKind>())}).");
            }

            if (ms < 0)
            {
                problems.Add($"{SectionName}:{nameof(LatencyMsByKind)}:{kind} must be 0 or more (got {ms}).");
            }
        }

        foreach (var (unitId, ms) in LatencyMsByUnit)
        {
            if (!catalog.TryGetUnit(unitId, out _))
            {
                problems.Add($"{SectionName}:{nameof(LatencyMsByUnit)}: '{unitId}' is not a unit in the catalog.");
            }

            if (ms < 0)
            {
                problems.Add($"{SectionName}:{nameof(LatencyMsByUnit)}:{unitId} must be 0 or more (got {ms}).");
            }
        }

        problems.AddRange((Matters ?? new MatterFeedbackOptions()).Validate(catalog, $"{SectionName}:{nameof(Matters)}"));
        return problems;
    }

    private static void CheckUrl(string url, string name, List<string> problems)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            problems.Add($"{SectionName}:{name} must be an absolute http:// URL (the simulator serves no TLS), got '{url}'.");
        }
        else if (uri.AbsolutePath != "/")
        {
            problems.Add($"{SectionName}:{name} must not have a path, got '{url}'.");
        }
    }
}
