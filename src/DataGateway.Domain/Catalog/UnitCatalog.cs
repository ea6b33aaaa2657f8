using System.Collections.Frozen;
using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;

namespace DataGateway.Domain.Catalog;

/// <summary>
/// The assisting units, data items, asset kinds and unit kinds of config/, validated as a whole. Immutable;
/// every lookup is a dictionary hit or a precomputed list, because the gateway calls them on every query.
/// </summary>
public sealed class UnitCatalog
{
    private readonly FrozenDictionary<string, UnitDefinition> unitsById;
    private readonly FrozenDictionary<string, DataItemDefinition> dataItemsByCode;
    private readonly FrozenDictionary<string, AssetKindDefinition> assetKindsByCode;
    private readonly FrozenDictionary<string, int> assetKindIndex;
    private readonly UnitKindDefinition?[] kindsByValue;
    private readonly FrozenDictionary<string, IReadOnlyList<string>> assetKindsByUnitId;
    private readonly IReadOnlyList<string>[] dataItemsByAssetKind;
    private readonly IReadOnlyList<UnitDefinition>[] unitsByAssetKind;
    private readonly IReadOnlyList<UnitDefinition>[] unitsByKind;
    private readonly ReadOnlyCollection<UnitDefinition> assetAnsweringUnits;

    // For each unit in assetAnsweringUnits, the indexes (into AssetKinds) of the asset kinds it answers.
    private readonly int[][] assetKindIndexesOfAnsweringUnits;

    private UnitCatalog(
        UnitDefinition[] units,
        DataItemDefinition[] dataItems,
        AssetKindDefinition[] assetKinds,
        UnitKindDefinition[] unitKinds)
    {
        Units = Array.AsReadOnly(units);
        DataItems = Array.AsReadOnly(dataItems);
        AssetKinds = Array.AsReadOnly(assetKinds);
        UnitKinds = Array.AsReadOnly(unitKinds);

        unitsById = units.ToFrozenDictionary(u => u.Id, StringComparer.Ordinal);
        dataItemsByCode = dataItems.ToFrozenDictionary(i => i.Code, StringComparer.Ordinal);
        assetKindsByCode = assetKinds.ToFrozenDictionary(a => a.Code, StringComparer.Ordinal);
        assetKindIndex = assetKinds.Select((a, index) => (a.Code, index)).ToFrozenDictionary(p => p.Code, p => p.index, StringComparer.Ordinal);

        var kindValues = Enum.GetValues<UnitKind>();
        kindsByValue = new UnitKindDefinition?[kindValues.Max(k => (int)k) + 1];
        foreach (var kind in unitKinds)
        {
            kindsByValue[(int)kind.Kind] = kind;
        }

        unitsByKind = new IReadOnlyList<UnitDefinition>[kindsByValue.Length];
        foreach (var kind in kindValues)
        {
            unitsByKind[(int)kind] = Array.AsReadOnly(units.Where(u => u.Kind == kind).ToArray());
        }

        dataItemsByAssetKind = assetKinds
            .Select(a => (IReadOnlyList<string>)Array.AsReadOnly(dataItems.Where(i => i.AssetKind == a.Code).Select(i => i.Code).ToArray()))
            .ToArray();

        var indexesByUnit = units.ToDictionary(
            u => u.Id,
            u => u.DataItems
                .Select(code => dataItemsByCode[code].AssetKind)
                .OfType<string>()
                .Select(code => assetKindIndex[code])
                .Distinct()
                .Order()
                .ToArray(),
            StringComparer.Ordinal);
        assetKindsByUnitId = indexesByUnit.ToFrozenDictionary(
            p => p.Key,
            p => (IReadOnlyList<string>)Array.AsReadOnly(p.Value.Select(index => assetKinds[index].Code).ToArray()),
            StringComparer.Ordinal);

        var answering = units.Where(u => indexesByUnit[u.Id].Length > 0).ToArray();
        assetAnsweringUnits = Array.AsReadOnly(answering);
        assetKindIndexesOfAnsweringUnits = answering.Select(u => indexesByUnit[u.Id]).ToArray();
        unitsByAssetKind = assetKinds
            .Select((_, index) => (IReadOnlyList<UnitDefinition>)Array.AsReadOnly(answering.Where(u => indexesByUnit[u.Id].Contains(index)).ToArray()))
            .ToArray();
    }

    /// <summary>The folder the hosts copy config/ into: "config" beside the running binaries.</summary>
    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "config");

    /// <summary>Every unit, in file order.</summary>
    public IReadOnlyList<UnitDefinition> Units { get; }

    /// <summary>Every data item, in file order.</summary>
    public IReadOnlyList<DataItemDefinition> DataItems { get; }

    /// <summary>Every asset kind, in file order ("catalog order" below).</summary>
    public IReadOnlyList<AssetKindDefinition> AssetKinds { get; }

    /// <summary>Every unit kind defined in unit-kinds.json, in file order.</summary>
    public IReadOnlyList<UnitKindDefinition> UnitKinds { get; }

    public bool TryGetUnit(string unitId, [MaybeNullWhen(false)] out UnitDefinition unit) =>
        unitsById.TryGetValue(unitId, out unit);

    public bool TryGetDataItem(string code, [MaybeNullWhen(false)] out DataItemDefinition item) =>
        dataItemsByCode.TryGetValue(code, out item);

    public bool TryGetAssetKind(string code, [MaybeNullWhen(false)] out AssetKindDefinition assetKind) =>
        assetKindsByCode.TryGetValue(code, out assetKind);

    /// <summary>The settings of a unit kind. Every kind a unit has is defined (the catalog checks it).</summary>
    /// <exception cref="ArgumentException">The kind has no entry in unit-kinds.json.</exception>
    public UnitKindDefinition KindOf(UnitKind kind) =>
        (int)kind >= 0 && (int)kind < kindsByValue.Length && kindsByValue[(int)kind] is { } definition
            ? definition
            : throw new ArgumentException($"Unit kind '{kind}' has no entry in {CatalogFiles.UnitKinds}.", nameof(kind));

    /// <summary>Units of one kind, in catalog order (empty if there are none).</summary>
    public IReadOnlyList<UnitDefinition> UnitsOf(UnitKind kind) =>
        (int)kind >= 0 && (int)kind < unitsByKind.Length ? unitsByKind[(int)kind] : [];

    /// <summary>The asset kinds a unit answers, derived from its data items: distinct, in catalog order.</summary>
    /// <exception cref="ArgumentException">The unit's id is not in the catalog.</exception>
    public IReadOnlyList<string> AssetKindsOf(UnitDefinition unit)
    {
        ArgumentNullException.ThrowIfNull(unit);
        return assetKindsByUnitId.TryGetValue(unit.Id, out var kinds)
            ? kinds
            : throw new ArgumentException($"Unit '{unit.Id}' is not in the catalog.", nameof(unit));
    }

    /// <summary>The codes of the data items that answer one asset kind, in catalog order.</summary>
    /// <exception cref="ArgumentException">The asset kind is not in the catalog; check with <see cref="TryGetAssetKind"/> first.</exception>
    public IReadOnlyList<string> DataItemsOf(string assetKind) => dataItemsByAssetKind[IndexOf(assetKind, nameof(assetKind))];

    /// <summary>
    /// The units an integrated query for these asset kinds fans out to, in catalog order, each once. An empty
    /// collection means every asset kind: all units that answer any asset kind.
    /// </summary>
    /// <exception cref="ArgumentException">An asset kind is not in the catalog; check with <see cref="TryGetAssetKind"/> first.</exception>
    public IReadOnlyList<UnitDefinition> UnitsAnswering(IReadOnlyCollection<string> assetKinds)
    {
        ArgumentNullException.ThrowIfNull(assetKinds);
        if (assetKinds.Count == 0)
        {
            return assetAnsweringUnits;
        }

        if (assetKinds.Count == 1)
        {
            return unitsByAssetKind[IndexOf(assetKinds.First(), nameof(assetKinds))];
        }

        Span<bool> wanted = AssetKinds.Count <= 256 ? stackalloc bool[AssetKinds.Count] : new bool[AssetKinds.Count];
        foreach (var code in assetKinds)
        {
            wanted[IndexOf(code, nameof(assetKinds))] = true;
        }

        var result = new List<UnitDefinition>();
        for (var i = 0; i < assetKindIndexesOfAnsweringUnits.Length; i++)
        {
            foreach (var index in assetKindIndexesOfAnsweringUnits[i])
            {
                if (wanted[index])
                {
                    result.Add(assetAnsweringUnits[i]);
                    break;
                }
            }
        }

        return result;
    }

    /// <summary>How long to wait for the unit's answer: its own timeoutMs if it has one, else its kind's.</summary>
    public int TimeoutMsOf(UnitDefinition unit)
    {
        ArgumentNullException.ThrowIfNull(unit);
        return unit.TimeoutMs ?? KindOf(unit.Kind).TimeoutMs;
    }

    /// <summary>Reads units.json, data-items.json, asset-kinds.json and unit-kinds.json from a folder and validates them.</summary>
    /// <exception cref="CatalogException">A file is missing or malformed, or the catalog is inconsistent; the message lists every problem.</exception>
    public static UnitCatalog Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var problems = new List<string>();
        var units = CatalogFiles.ReadUnits(directory, problems);
        var dataItems = CatalogFiles.ReadDataItems(directory, problems);
        var assetKinds = CatalogFiles.ReadAssetKinds(directory, problems);
        var unitKinds = CatalogFiles.ReadUnitKinds(directory, problems);
        CatalogValidator.Validate(units, dataItems, assetKinds, unitKinds, problems);
        if (problems.Count > 0)
        {
            throw new CatalogException(problems);
        }

        return new UnitCatalog(units!.ToArray()!, dataItems!.ToArray()!, assetKinds!.ToArray()!, unitKinds!.ToArray()!);
    }

    /// <summary>Builds a catalog from definitions made in code (tests, tools), with the same checks as <see cref="Load"/>.</summary>
    /// <exception cref="CatalogException">The definitions are inconsistent; the message lists every problem.</exception>
    public static UnitCatalog Create(
        IEnumerable<UnitDefinition> units,
        IEnumerable<DataItemDefinition> dataItems,
        IEnumerable<AssetKindDefinition> assetKinds,
        IEnumerable<UnitKindDefinition> unitKinds)
    {
        ArgumentNullException.ThrowIfNull(units);
        ArgumentNullException.ThrowIfNull(dataItems);
        ArgumentNullException.ThrowIfNull(assetKinds);
        ArgumentNullException.ThrowIfNull(unitKinds);
        var unitArray = units.ToArray();
        var itemArray = dataItems.ToArray();
        var assetKindArray = assetKinds.ToArray();
        var unitKindArray = unitKinds.ToArray();

        var problems = new List<string>();
        CatalogValidator.CheckEnums(unitArray, itemArray, unitKindArray, problems);
        CatalogValidator.Validate(unitArray, itemArray, assetKindArray, unitKindArray, problems);
        if (problems.Count > 0)
        {
            throw new CatalogException(problems);
        }

        return new UnitCatalog(unitArray, itemArray, assetKindArray, unitKindArray);
    }

    private int IndexOf(string assetKind, string parameterName) =>
        assetKind is not null && assetKindIndex.TryGetValue(assetKind, out var index)
            ? index
            : throw new ArgumentException($"Asset kind '{assetKind}' is not in the catalog.", parameterName);
}
