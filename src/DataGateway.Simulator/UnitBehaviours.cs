using DataGateway.Simulator.Units;

namespace DataGateway.Simulator;

/// <summary>
/// How each hosted unit behaves now, switchable while calls run: tests and benchmarks make a unit slow on purpose.
/// </summary>
/// <remarks>Starts from <see cref="SimulatorOptions"/>; <see cref="Reset"/> goes back to it.</remarks>
public sealed class UnitBehaviours
{
    private readonly UnitDirectory _units;

    internal UnitBehaviours(UnitDirectory units) => _units = units;

    /// <summary>Makes <paramref name="unitId"/> wait <paramref name="latency"/> before each answer, from its next call on.</summary>
    /// <exception cref="ArgumentException">The simulator hosts no unit <paramref name="unitId"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="latency"/> is negative.</exception>
    public void SetLatency(string unitId, TimeSpan latency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latency, TimeSpan.Zero);
        _units.Get(unitId, nameof(unitId)).Latency = latency;
    }

    /// <exception cref="ArgumentException">The simulator hosts no unit <paramref name="unitId"/>.</exception>
    public TimeSpan LatencyOf(string unitId) => _units.Get(unitId, nameof(unitId)).Latency;

    /// <summary>Every unit back to its configured behaviour.</summary>
    public void Reset()
    {
        foreach (var unit in _units.Units)
        {
            unit.Latency = unit.ConfiguredLatency;
        }
    }
}
