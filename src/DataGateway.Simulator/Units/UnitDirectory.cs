using System.Collections.Frozen;
using DataGateway.Domain.Catalog;

namespace DataGateway.Simulator.Units;

/// <summary>The hosted units by id, built once at start-up so no call scans the catalog.</summary>
internal sealed class UnitDirectory
{
    private readonly FrozenDictionary<string, SimulatedUnit> _byId;

    private UnitDirectory(SimulatedUnit[] units)
    {
        Units = units;
        _byId = units.ToFrozenDictionary(u => u.Id, StringComparer.Ordinal);
    }

    public IReadOnlyList<SimulatedUnit> Units { get; }

    public static UnitDirectory Build(UnitCatalog catalog, SimulatorOptions options)
    {
        var units = new SimulatedUnit[catalog.Units.Count];
        for (var i = 0; i < units.Length; i++)
        {
            var definition = catalog.Units[i];
            var kinds = new List<ServedAssetKind>();
            foreach (var code in definition.DataItems)
            {
                // A unit with two items of one asset kind answers that kind once, under the first item listed.
                if (catalog.TryGetDataItem(code, out var item)
                    && item.AssetKind is { Length: > 0 } assetKind
                    && !kinds.Exists(k => k.Code == assetKind))
                {
                    kinds.Add(new ServedAssetKind(assetKind, item.Code));
                }
            }

            units[i] = new SimulatedUnit(definition, [.. kinds], options.LatencyOf(definition));
        }

        return new UnitDirectory(units);
    }

    public bool TryGet(string unitId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SimulatedUnit? unit) =>
        _byId.TryGetValue(unitId, out unit);

    /// <summary>The unit named <paramref name="unitId"/>; an <see cref="ArgumentException"/> names an unknown one.</summary>
    public SimulatedUnit Get(string unitId, string paramName)
    {
        ArgumentNullException.ThrowIfNull(unitId, paramName);
        return _byId.TryGetValue(unitId, out var unit)
            ? unit
            : throw new ArgumentException($"Unit '{unitId}' is not hosted by this simulator.", paramName);
    }
}
