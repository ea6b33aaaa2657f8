namespace DataGateway.Simulator.Units;

/// <summary>What one call to a unit ends in, decided when it arrives.</summary>
internal enum CallOutcome
{
    Answer,
    Refuse,
    Hang,
    TransientFailure,
    Failure,
}

/// <summary>
/// A unit's fault as set, with the counters it consumes. Immutable but for those counters and swapped whole, so a call
/// reads one consistent fault with a single volatile read and never takes a lock.
/// </summary>
internal sealed class FaultState
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    private readonly ulong _seed;
    private int _failNext;
    private long _draws;

    public FaultState(UnitFault fault, TimeSpan configuredLatency, ulong seed)
    {
        Fault = fault;
        Latency = fault.LatencyMs is { } ms ? TimeSpan.FromMilliseconds(ms) : configuredLatency;
        _failNext = fault.FailNext;
        _seed = seed;
    }

    /// <summary>The fault as it was set (its <see cref="UnitFault.FailNext"/> is the starting count).</summary>
    public UnitFault Fault { get; }

    /// <summary>The latency calls wait: the fault's, or the configured one.</summary>
    public TimeSpan Latency { get; }

    /// <summary>The fault as it stands now: <see cref="UnitFault.FailNext"/> counts the failures still to come.</summary>
    public UnitFault Current
    {
        get
        {
            var left = Volatile.Read(ref _failNext);
            return left == Fault.FailNext ? Fault : Fault with { FailNext = left };
        }
    }

    public CallOutcome Decide()
    {
        switch (Fault.Mode)
        {
            case FaultMode.Down:
                return CallOutcome.Refuse;
            case FaultMode.Hang:
                return CallOutcome.Hang;
        }

        if (TryTakeFailNext())
        {
            return CallOutcome.TransientFailure;
        }

        return DrawFailure() ? CallOutcome.Failure : CallOutcome.Answer;
    }

    private bool TryTakeFailNext()
    {
        var left = Volatile.Read(ref _failNext);
        while (left > 0)
        {
            var seen = Interlocked.CompareExchange(ref _failNext, left - 1, left);
            if (seen == left)
            {
                return true;
            }

            left = seen;
        }

        return false;
    }

    private bool DrawFailure()
    {
        var rate = Fault.ErrorRate;
        if (rate <= 0)
        {
            return false;
        }

        if (rate >= 1)
        {
            return true;
        }

        // Counter-based draws (SplitMix64 of seed + n·γ): the n-th call after the fault was set gets the n-th value,
        // with one Interlocked increment and no shared generator state to lock.
        var n = (ulong)Interlocked.Increment(ref _draws);
        var z = _seed + (n * Golden);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53)) < rate;
    }
}
