namespace DataGateway.Simulator;

/// <summary>What a faulted unit does with a call instead of answering normally.</summary>
public enum FaultMode
{
    /// <summary>Answers after its latency, subject to <see cref="UnitFault.FailNext"/> and <see cref="UnitFault.ErrorRate"/>.</summary>
    None,

    /// <summary>Never answers: the call stays in flight until the caller cancels it.</summary>
    Hang,

    /// <summary>Refuses every call at once with Unavailable ("unit down"), without waiting its latency.</summary>
    Down,
}

/// <summary>
/// A fault switched on for one unit at run time (<see cref="UnitBehaviours.SetFault"/>). The default instance is a
/// healthy unit with its configured latency.
/// </summary>
/// <remarks>
/// Precedence per call: <see cref="FaultMode.Down"/>, then <see cref="FaultMode.Hang"/>, then <see cref="FailNext"/>,
/// then <see cref="ErrorRate"/>. Failures from <see cref="FailNext"/> and <see cref="ErrorRate"/> are decided when the
/// call arrives and answered after the unit's latency, as a real unit that fails late would.
/// </remarks>
public sealed record UnitFault
{
    /// <summary>A healthy unit: configured latency, no failures.</summary>
    public static UnitFault None { get; } = new();

    /// <summary>Latency in milliseconds instead of the configured one; null keeps the configured latency. 0 or more.</summary>
    public int? LatencyMs { get; init; }

    /// <summary>
    /// Share of calls, 0 to 1, answered with Internal ("simulated failure"). Drawn from a sequence seeded by the unit id
    /// that restarts whenever the fault is set, so the same calls in the same order fail the same way on every run.
    /// </summary>
    public double ErrorRate { get; init; }

    public FaultMode Mode { get; init; }

    /// <summary>
    /// The next this many calls fail with Unavailable, then the unit recovers on its own. Reading the fault back gives
    /// the failures still to come.
    /// </summary>
    public int FailNext { get; init; }

    /// <summary>Every member out of range, by property name, with what is wrong; empty when the fault is usable.</summary>
    public IReadOnlyList<(string Member, string Problem)> Validate()
    {
        var problems = new List<(string, string)>();
        if (LatencyMs < 0)
        {
            problems.Add((nameof(LatencyMs), $"must be 0 or more milliseconds, or null for the configured latency (got {LatencyMs})"));
        }

        // Written so NaN fails too.
        if (!(ErrorRate is >= 0 and <= 1))
        {
            problems.Add((nameof(ErrorRate), $"must be between 0 and 1 (got {ErrorRate})"));
        }

        if (!Enum.IsDefined(Mode))
        {
            problems.Add((nameof(Mode), $"must be one of {string.Join(", ", Enum.GetNames<FaultMode>())} (got {(int)Mode})"));
        }

        if (FailNext < 0)
        {
            problems.Add((nameof(FailNext), $"must be 0 or more (got {FailNext})"));
        }

        return problems;
    }
}
