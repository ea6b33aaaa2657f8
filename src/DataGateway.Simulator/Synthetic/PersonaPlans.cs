using System.Buffers.Binary;
using System.Collections.Frozen;
using System.Text;
using DataGateway.Domain.Catalog;
using DataGateway.Simulator.Units;

namespace DataGateway.Simulator.Synthetic;

/// <summary>
/// Which units hold which asset kinds for each persona with fixed holdings, resolved once at start-up so a call
/// only looks its subject up.
/// </summary>
internal sealed class PersonaPlans
{
    private readonly FrozenDictionary<string, PersonaPlan> _byIdentifier;

    private PersonaPlans(FrozenDictionary<string, PersonaPlan> byIdentifier, Personas personas, UnitDirectory units)
    {
        _byIdentifier = byIdentifier;
        Personas = personas;
        Units = units;
    }

    /// <summary>The personas the plans were built from: estate items tell their stories (death, heirs).</summary>
    public Personas Personas { get; }

    /// <summary>Every hosted unit: an estate item at one unit may restate what another holds (a payout of a balance).</summary>
    public UnitDirectory Units { get; }

    /// <exception cref="InvalidOperationException">A persona holds an asset kind the catalog does not define, or the catalog has an estate item no generator draws.</exception>
    public static PersonaPlans Build(Personas personas, UnitDirectory units, UnitCatalog catalog)
    {
        var knownKinds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var kind in catalog.AssetKinds)
        {
            knownKinds.Add(kind.Code);
        }

        var plans = new Dictionary<string, PersonaPlan>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var persona in personas.All)
        {
            if (persona.Holdings is null)
            {
                continue;
            }

            var plan = new PersonaPlan();
            foreach (var (assetKind, count) in persona.Holdings)
            {
                if (!knownKinds.Contains(assetKind))
                {
                    problems.Add($"Persona '{persona.Name}' holds '{assetKind}', which is not an asset kind of the catalog.");
                    continue;
                }

                foreach (var unit in Choose(persona.Identifier, assetKind, count, units))
                {
                    plan.Add(unit, assetKind);
                }
            }

            plans.Add(persona.Identifier, plan);
        }

        // An estate item the simulator cannot draw would answer "nothing" for everyone and hide the gap.
        foreach (var item in catalog.DataItems)
        {
            if (item.Code.StartsWith("EST-", StringComparison.Ordinal) && item.AssetKind is null && !EstateItems.Codes.Contains(item.Code))
            {
                problems.Add($"Data item '{item.Code}' is an estate item the simulator has no generator for (Synthetic/EstateItems.cs).");
            }
        }

        return problems.Count == 0
            ? new PersonaPlans(plans.ToFrozenDictionary(StringComparer.Ordinal), personas, units)
            : throw new InvalidOperationException(string.Join(Environment.NewLine, problems));
    }

    /// <summary>The persona plan for <paramref name="identifier"/>; null when the subject is drawn at random.</summary>
    public PersonaPlan? Find(string identifier) => _byIdentifier.GetValueOrDefault(identifier);

    // Which banks hold a persona's deposits must not depend on catalog order, so the units are ranked by a hash of
    // (persona, unit, kind): adding a bank to the catalog moves a persona's accounts only if the new bank outranks one.
    private static IEnumerable<SimulatedUnit> Choose(string identifier, string assetKind, int count, UnitDirectory units)
    {
        var candidates = new List<(ulong Rank, SimulatedUnit Unit)>();
        Span<byte> hash = stackalloc byte[32];
        foreach (var unit in units.Units)
        {
            if (unit.Serves(assetKind))
            {
                SyntheticRandom.Hash(Encoding.UTF8.GetBytes($"{identifier}\n{assetKind}"), unit.Id, hash);
                candidates.Add((BinaryPrimitives.ReadUInt64LittleEndian(hash), unit));
            }
        }

        candidates.Sort((a, b) => a.Rank.CompareTo(b.Rank));
        return candidates.Take(count).Select(c => c.Unit);
    }
}

/// <summary>The asset kinds one persona holds at each unit; a unit absent from it holds nothing for the persona.</summary>
internal sealed class PersonaPlan
{
    private readonly Dictionary<SimulatedUnit, List<string>> _kindsByUnit = [];

    public bool Holds(SimulatedUnit unit, string assetKind) =>
        _kindsByUnit.TryGetValue(unit, out var kinds) && kinds.Contains(assetKind);

    /// <summary>Whether the persona holds <paramref name="assetKind"/> at any unit.</summary>
    public bool HoldsAnywhere(string assetKind)
    {
        foreach (var kinds in _kindsByUnit.Values)
        {
            if (kinds.Contains(assetKind))
            {
                return true;
            }
        }

        return false;
    }

    public void Add(SimulatedUnit unit, string assetKind)
    {
        if (!_kindsByUnit.TryGetValue(unit, out var kinds))
        {
            _kindsByUnit[unit] = kinds = [];
        }

        kinds.Add(assetKind);
    }
}
