using DataGateway.Simulator.Units;

namespace DataGateway.Simulator;

/// <summary>
/// How each hosted unit behaves now, switchable while calls run: tests, demos and benchmarks make a unit slow, flaky,
/// hung or down on purpose.
/// </summary>
/// <remarks>
/// Starts from <see cref="SimulatorOptions"/>; <see cref="ClearFault"/> and <see cref="Reset"/> go back to it. A switch
/// applies to calls that arrive after it; calls already waiting or hanging keep the fault they arrived under. Safe to
/// call from any thread while calls run: the call path takes no lock.
/// </remarks>
public sealed class UnitBehaviours
{
    private readonly UnitDirectory _units;

    internal UnitBehaviours(UnitDirectory units) => _units = units;

    /// <summary>Puts <paramref name="fault"/> on <paramref name="unitId"/> in place of any fault it had.</summary>
    /// <remarks>Restarts the unit's <see cref="UnitFault.ErrorRate"/> draws and <see cref="UnitFault.FailNext"/> count.</remarks>
    /// <exception cref="ArgumentException">
    /// The simulator hosts no unit <paramref name="unitId"/>, or a member of <paramref name="fault"/> is out of range
    /// (the message names each).
    /// </exception>
    public void SetFault(string unitId, UnitFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        var unit = _units.Get(unitId, nameof(unitId));
        var problems = fault.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(
                string.Join(" ", problems.Select(p => $"{p.Member} {p.Problem}.")),
                nameof(fault));
        }

        unit.SetFault(fault);
    }

    /// <summary>The fault on <paramref name="unitId"/> now (<see cref="UnitFault.None"/> when healthy).</summary>
    /// <remarks><see cref="UnitFault.FailNext"/> is the count of transient failures still to come.</remarks>
    /// <exception cref="ArgumentException">The simulator hosts no unit <paramref name="unitId"/>.</exception>
    public UnitFault FaultOf(string unitId) => _units.Get(unitId, nameof(unitId)).Fault.Current;

    /// <summary>Back to the configured behaviour for <paramref name="unitId"/>.</summary>
    /// <exception cref="ArgumentException">The simulator hosts no unit <paramref name="unitId"/>.</exception>
    public void ClearFault(string unitId) => _units.Get(unitId, nameof(unitId)).SetFault(UnitFault.None);

    /// <summary>
    /// Makes <paramref name="unitId"/> wait <paramref name="latency"/> before each answer, from its next call on: its
    /// fault's <see cref="UnitFault.LatencyMs"/>, other fault members kept.
    /// </summary>
    /// <exception cref="ArgumentException">The simulator hosts no unit <paramref name="unitId"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="latency"/> is negative, not whole milliseconds, or more than <see cref="int.MaxValue"/> ms.
    /// </exception>
    public void SetLatency(string unitId, TimeSpan latency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latency, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(latency, TimeSpan.FromMilliseconds(int.MaxValue));
        if (latency.Ticks % TimeSpan.TicksPerMillisecond != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(latency), latency, "Latency must be whole milliseconds.");
        }

        var unit = _units.Get(unitId, nameof(unitId));
        unit.SetFault(unit.Fault.Current with { LatencyMs = (int)latency.TotalMilliseconds });
    }

    /// <summary>The latency <paramref name="unitId"/> waits now: its fault's, or the configured one.</summary>
    /// <exception cref="ArgumentException">The simulator hosts no unit <paramref name="unitId"/>.</exception>
    public TimeSpan LatencyOf(string unitId) => _units.Get(unitId, nameof(unitId)).Fault.Latency;

    /// <summary>Every unit back to its configured behaviour: no faults, configured latencies.</summary>
    public void Reset()
    {
        foreach (var unit in _units.Units)
        {
            // A healthy unit's state has no counters in use, so there is nothing to restart.
            if (!ReferenceEquals(unit.Fault.Fault, UnitFault.None))
            {
                unit.SetFault(UnitFault.None);
            }
        }
    }
}
