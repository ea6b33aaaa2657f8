using System.Text;
using DataGateway.Domain.Catalog;
using DataGateway.Simulator.Synthetic;

namespace DataGateway.Simulator.Units;

/// <summary>One hosted unit: what it serves, how it behaves now, and what it has been asked.</summary>
/// <remarks>
/// Everything a call needs about its unit hangs off this one object, so the hot path does a single dictionary
/// lookup. Counters are public fields because they are updated with <see cref="Interlocked"/>.
/// </remarks>
internal sealed class SimulatedUnit
{
    public long Calls;
    public long Failed;
    public long Refused;
    public int InFlight;
    public int MaxInFlight;

    private FaultState _fault;

    public SimulatedUnit(UnitDefinition definition, ServedAssetKind[] kinds, TimeSpan configuredLatency)
    {
        Definition = definition;
        Kinds = kinds;
        ConfiguredLatency = configuredLatency;
        IdUtf8 = Encoding.UTF8.GetBytes(definition.Id);
        Key = SyntheticRandom.StableKey(definition.Id);
        _fault = new FaultState(UnitFault.None, configuredLatency, Key);
    }

    public UnitDefinition Definition { get; }

    public string Id => Definition.Id;

    /// <summary>Asset kinds this unit answers, in catalog order, each with the data item that answers it.</summary>
    public ServedAssetKind[] Kinds { get; }

    /// <summary>The unit id as UTF-8, the first half of every seed.</summary>
    public byte[] IdUtf8 { get; }

    /// <summary>Stable per-unit key for unit-specific formats (a bank's account number prefix and length).</summary>
    public ulong Key { get; }

    public TimeSpan ConfiguredLatency { get; }

    /// <summary>The fault in force; a call reads it once and keeps to it even if it is switched meanwhile.</summary>
    public FaultState Fault => Volatile.Read(ref _fault);

    /// <summary>Switches the fault; its failure counters and draw sequence start afresh.</summary>
    public void SetFault(UnitFault fault) => Volatile.Write(ref _fault, new FaultState(fault, ConfiguredLatency, Key));

    public bool Serves(string assetKind)
    {
        foreach (var kind in Kinds)
        {
            if (kind.Code == assetKind)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>An asset kind a unit answers, and the catalog data item its assets carry.</summary>
internal sealed record ServedAssetKind(string Code, string DataItem)
{
    /// <summary>Separates this kind's draws from the unit's other kinds, so asking for one kind or all gives the same assets.</summary>
    public ulong Stream { get; } = SyntheticRandom.StableKey(Code);
}
