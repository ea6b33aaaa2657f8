using DataGateway.Domain.Catalog;

namespace DataGateway.Simulator.Matters;

/// <summary>How a simulated unit answers the matters sent to it.</summary>
public enum FeedbackMode
{
    /// <summary>Answers <see cref="FeedbackBehaviour.DelayMinutes"/> after taking the matter.</summary>
    Prompt,

    /// <summary>Answers <see cref="FeedbackBehaviour.LateByMinutes"/> after the matter's deadline.</summary>
    Late,

    /// <summary>Takes the matter and never answers.</summary>
    Silent,
}

/// <summary>One unit's way of answering matters. Outcomes are drawn from the matter id, so a run repeats exactly.</summary>
public sealed record FeedbackBehaviour
{
    public FeedbackMode Mode { get; init; } = FeedbackMode.Prompt;

    /// <summary>Minutes from taking a matter to answering it, for <see cref="FeedbackMode.Prompt"/>. Default 30.</summary>
    public int DelayMinutes { get; init; } = 30;

    /// <summary>Minutes after the deadline the answer comes, for <see cref="FeedbackMode.Late"/>. Default 60.</summary>
    public int LateByMinutes { get; init; } = 60;

    /// <summary>Share of matters (0 to 1) answered "rejected" rather than "completed". Default 0.</summary>
    public double RejectShare { get; init; }

    public IReadOnlyList<string> Validate(string path)
    {
        var problems = new List<string>();
        if (!Enum.IsDefined(Mode))
        {
            problems.Add($"{path}:Mode must be one of {string.Join(", ", Enum.GetNames<FeedbackMode>())}");
        }

        if (DelayMinutes < 0)
        {
            problems.Add($"{path}:DelayMinutes must be 0 or more (got {DelayMinutes})");
        }

        if (LateByMinutes < 1)
        {
            problems.Add($"{path}:LateByMinutes must be 1 or more (got {LateByMinutes})");
        }

        if (!(RejectShare is >= 0 and <= 1))
        {
            problems.Add($"{path}:RejectShare must be between 0 and 1 (got {RejectShare})");
        }

        return problems;
    }
}

/// <summary>
/// Settings of the "Simulator:Matters" section: how the simulated units answer matters (some prompt, some late, some
/// silent), by unit, else by unit kind, else <see cref="Default"/>; and where the answers go when the simulator runs as
/// its own process.
/// </summary>
public sealed record MatterFeedbackOptions
{
    public FeedbackBehaviour Default { get; init; } = new();

    /// <summary>By unit kind name, e.g. "Bank".</summary>
    public Dictionary<string, FeedbackBehaviour> Kinds { get; init; } = new();

    /// <summary>By unit id; wins over <see cref="Kinds"/>.</summary>
    public Dictionary<string, FeedbackBehaviour> Units { get; init; } = new();

    /// <summary>
    /// The gateway's gRPC address, for a simulator running as its own process (the embedded one is connected by the
    /// gateway). Null: the simulator takes matters but sends no answers.
    /// </summary>
    public string? GatewayGrpcUrl { get; init; }

    /// <summary>The development key file that signs the units' tokens, with <see cref="GatewayGrpcUrl"/>. Default config/development-auth.json.</summary>
    public string DevelopmentAuthFile { get; init; } = "config/development-auth.json";

    /// <summary>Minutes between tries to send an answer the gateway did not take (it was down). Default 1.</summary>
    public int SendRetryMinutes { get; init; } = 1;

    /// <summary>Tries to send one answer before giving up. Default 10.</summary>
    public int SendAttempts { get; init; } = 10;

    public FeedbackBehaviour For(UnitDefinition unit)
    {
        ArgumentNullException.ThrowIfNull(unit);
        if (Units.TryGetValue(unit.Id, out var byUnit))
        {
            return byUnit;
        }

        return Kinds.TryGetValue(unit.Kind.ToString(), out var byKind) ? byKind : Default;
    }

    public IReadOnlyList<string> Validate(UnitCatalog catalog, string section)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var problems = new List<string>();
        problems.AddRange(Default.Validate($"{section}:Default"));
        foreach (var (kind, behaviour) in Kinds)
        {
            if (!Enum.IsDefined(typeof(UnitKind), kind))
            {
                problems.Add($"{section}:Kinds: '{kind}' is not a unit kind.");
            }

            problems.AddRange(behaviour.Validate($"{section}:Kinds:{kind}"));
        }

        foreach (var (unitId, behaviour) in Units)
        {
            if (!catalog.TryGetUnit(unitId, out _))
            {
                problems.Add($"{section}:Units: '{unitId}' is not a unit in the catalog.");
            }

            problems.AddRange(behaviour.Validate($"{section}:Units:{unitId}"));
        }

        if (GatewayGrpcUrl is not null && !Uri.TryCreate(GatewayGrpcUrl, UriKind.Absolute, out _))
        {
            problems.Add($"{section}:GatewayGrpcUrl must be an absolute URL, got '{GatewayGrpcUrl}'.");
        }

        if (SendRetryMinutes < 1)
        {
            problems.Add($"{section}:SendRetryMinutes must be 1 or more (got {SendRetryMinutes})");
        }

        if (SendAttempts < 1)
        {
            problems.Add($"{section}:SendAttempts must be 1 or more (got {SendAttempts})");
        }

        return problems;
    }
}
