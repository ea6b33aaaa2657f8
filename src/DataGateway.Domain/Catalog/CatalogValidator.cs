using System.Text.RegularExpressions;

namespace DataGateway.Domain.Catalog;

/// <summary>
/// Checks the catalog as a whole and collects every problem rather than stopping at the first. A null list
/// means its file could not be read (already reported): checks that need it are skipped so that one broken
/// file does not bury the report under follow-on errors.
/// </summary>
internal static partial class CatalogValidator
{
    public static string UnitLabel(string? id, int index) =>
        string.IsNullOrWhiteSpace(id) ? $"units[{index}]" : $"unit '{id}' (units[{index}])";

    public static string DataItemLabel(string? code, int index) =>
        string.IsNullOrWhiteSpace(code) ? $"dataItems[{index}]" : $"data item '{code}' (dataItems[{index}])";

    public static string AssetKindLabel(string? code, int index) =>
        string.IsNullOrWhiteSpace(code) ? $"assetKinds[{index}]" : $"asset kind '{code}' (assetKinds[{index}])";

    public static string UnitKindLabel(string? kind, int index) =>
        string.IsNullOrWhiteSpace(kind) ? $"unitKinds[{index}]" : $"unit kind '{kind}' (unitKinds[{index}])";

    /// <summary>A value outside the enum, standing for "could not be parsed".</summary>
    public static TEnum Undefined<TEnum>()
        where TEnum : struct, Enum =>
        (TEnum)Enum.ToObject(typeof(TEnum), -1);

    /// <summary>Enum values that cannot come from JSON but can from code (Create): report them like the loader would.</summary>
    public static void CheckEnums(
        IReadOnlyList<UnitDefinition?> units,
        IReadOnlyList<DataItemDefinition?> dataItems,
        IReadOnlyList<UnitKindDefinition?> unitKinds,
        List<string> problems)
    {
        for (var i = 0; i < units.Count; i++)
        {
            if (units[i] is { } unit && !Enum.IsDefined(unit.Kind))
            {
                problems.Add($"{CatalogFiles.Units}: {UnitLabel(unit.Id, i)}: kind '{unit.Kind}' is not a unit kind.");
            }
        }

        for (var i = 0; i < dataItems.Count; i++)
        {
            if (dataItems[i] is not { } item)
            {
                continue;
            }

            var where = $"{CatalogFiles.DataItems}: {DataItemLabel(item.Code, i)}";
            if (!Enum.IsDefined(item.OwnerUnitKind))
            {
                problems.Add($"{where}: ownerUnitKind '{item.OwnerUnitKind}' is not a unit kind.");
            }

            if (!Enum.IsDefined(item.Sensitivity))
            {
                problems.Add($"{where}: sensitivity '{item.Sensitivity}' is not a sensitivity level.");
            }

            if (!Enum.IsDefined(item.SharingClass))
            {
                problems.Add($"{where}: sharingClass '{item.SharingClass}' is not a sharing class.");
            }
        }

        for (var i = 0; i < unitKinds.Count; i++)
        {
            if (unitKinds[i] is { } kind && !Enum.IsDefined(kind.Kind))
            {
                problems.Add($"{CatalogFiles.UnitKinds}: {UnitKindLabel(kind.Kind.ToString(), i)}: kind '{kind.Kind}' is not a unit kind.");
            }
        }
    }

    public static void Validate(
        IReadOnlyList<UnitDefinition?>? units,
        IReadOnlyList<DataItemDefinition?>? dataItems,
        IReadOnlyList<AssetKindDefinition?>? assetKinds,
        IReadOnlyList<UnitKindDefinition?>? unitKinds,
        List<string> problems)
    {
        var definedKinds = unitKinds is null ? null : ValidateUnitKinds(unitKinds, problems);
        var assetKindCodes = assetKinds is null ? null : ValidateAssetKinds(assetKinds, problems);
        var itemsByCode = dataItems is null ? null : ValidateDataItems(dataItems, assetKindCodes, problems);
        var servedItems = units is null ? null : ValidateUnits(units, itemsByCode, definedKinds, problems);

        if (dataItems is not null && servedItems is not null)
        {
            for (var i = 0; i < dataItems.Count; i++)
            {
                if (dataItems[i] is { } item && IsUsableCode(item.Code) && !servedItems.Contains(item.Code))
                {
                    problems.Add($"{CatalogFiles.DataItems}: {DataItemLabel(item.Code, i)}: no unit in {CatalogFiles.Units} answers it.");
                }
            }
        }

        if (assetKinds is not null && dataItems is not null)
        {
            var answered = dataItems.Where(item => item?.AssetKind is not null).Select(item => item!.AssetKind!).ToHashSet(StringComparer.Ordinal);
            for (var i = 0; i < assetKinds.Count; i++)
            {
                if (assetKinds[i] is { } assetKind && IsUsableCode(assetKind.Code) && !answered.Contains(assetKind.Code))
                {
                    problems.Add($"{CatalogFiles.AssetKinds}: {AssetKindLabel(assetKind.Code, i)}: no data item in {CatalogFiles.DataItems} answers it.");
                }
            }
        }
    }

    private static HashSet<UnitKind> ValidateUnitKinds(IReadOnlyList<UnitKindDefinition?> unitKinds, List<string> problems)
    {
        var firstIndex = new Dictionary<UnitKind, int>();
        for (var i = 0; i < unitKinds.Count; i++)
        {
            var entry = unitKinds[i];
            if (entry is null)
            {
                problems.Add($"{CatalogFiles.UnitKinds}: unitKinds[{i}]: entry is null.");
                continue;
            }

            var defined = Enum.IsDefined(entry.Kind);
            var where = $"{CatalogFiles.UnitKinds}: {UnitKindLabel(defined ? entry.Kind.ToString() : null, i)}";
            if (defined && !firstIndex.TryAdd(entry.Kind, i))
            {
                problems.Add($"{where}: duplicate unit kind, first defined at unitKinds[{firstIndex[entry.Kind]}].");
            }

            RequireName(entry.NameZh, "nameZh", where, problems);
            RequireName(entry.NameEn, "nameEn", where, problems);
            if (entry.TimeoutMs <= 0)
            {
                problems.Add($"{where}: timeoutMs must be positive, was {entry.TimeoutMs}.");
            }
        }

        return [.. firstIndex.Keys];
    }

    private static HashSet<string> ValidateAssetKinds(IReadOnlyList<AssetKindDefinition?> assetKinds, List<string> problems)
    {
        var firstIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < assetKinds.Count; i++)
        {
            var entry = assetKinds[i];
            if (entry is null)
            {
                problems.Add($"{CatalogFiles.AssetKinds}: assetKinds[{i}]: entry is null.");
                continue;
            }

            var where = $"{CatalogFiles.AssetKinds}: {AssetKindLabel(entry.Code, i)}";
            if (string.IsNullOrWhiteSpace(entry.Code))
            {
                problems.Add($"{where}: code is missing or empty.");
            }
            else
            {
                if (!AssetKindCodeShape().IsMatch(entry.Code))
                {
                    problems.Add($"{where}: code '{entry.Code}' is not upper-case words joined by '_' (e.g. REAL_ESTATE).");
                }

                if (!firstIndex.TryAdd(entry.Code, i))
                {
                    problems.Add($"{where}: duplicate asset kind code, first defined at assetKinds[{firstIndex[entry.Code]}].");
                }
            }

            RequireName(entry.NameZh, "nameZh", where, problems);
            RequireName(entry.NameEn, "nameEn", where, problems);
        }

        return [.. firstIndex.Keys];
    }

    private static Dictionary<string, DataItemDefinition> ValidateDataItems(
        IReadOnlyList<DataItemDefinition?> dataItems,
        HashSet<string>? assetKindCodes,
        List<string> problems)
    {
        var byCode = new Dictionary<string, DataItemDefinition>(StringComparer.Ordinal);
        var firstIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < dataItems.Count; i++)
        {
            var entry = dataItems[i];
            if (entry is null)
            {
                problems.Add($"{CatalogFiles.DataItems}: dataItems[{i}]: entry is null.");
                continue;
            }

            var where = $"{CatalogFiles.DataItems}: {DataItemLabel(entry.Code, i)}";
            if (string.IsNullOrWhiteSpace(entry.Code))
            {
                problems.Add($"{where}: code is missing or empty.");
            }
            else
            {
                if (!DataItemCodeShape().IsMatch(entry.Code))
                {
                    problems.Add($"{where}: code '{entry.Code}' is not upper-case words joined by '-' (e.g. ENF-RE-UNITS).");
                }

                if (firstIndex.TryAdd(entry.Code, i))
                {
                    byCode.Add(entry.Code, entry);
                }
                else
                {
                    problems.Add($"{where}: duplicate data item code, first defined at dataItems[{firstIndex[entry.Code]}].");
                }
            }

            RequireName(entry.NameZh, "nameZh", where, problems);
            RequireName(entry.NameEn, "nameEn", where, problems);

            if (entry.AssetKind is not null)
            {
                if (string.IsNullOrWhiteSpace(entry.AssetKind))
                {
                    problems.Add($"{where}: assetKind is empty; leave it out (or null) for an item that is not an asset.");
                }
                else if (assetKindCodes is not null && !assetKindCodes.Contains(entry.AssetKind))
                {
                    problems.Add($"{where}: asset kind '{entry.AssetKind}' is not in {CatalogFiles.AssetKinds}.");
                }
            }

            if (entry.CacheSeconds < 0)
            {
                problems.Add($"{where}: cacheSeconds must be 0 (never cached) or more, was {entry.CacheSeconds}.");
            }

            var roles = entry.Roles ?? [];
            if (entry.Roles is null)
            {
                problems.Add($"{where}: roles is null.");
            }
            else if (roles.Count == 0 && entry.SharingClass != SharingClass.NotShared)
            {
                problems.Add($"{where}: roles is empty, so no one may see this item.");
            }
            else if (roles.Count > 0 && entry.SharingClass == SharingClass.NotShared)
            {
                // A not-shared item stays in the catalog so the service documents that the fact exists and who holds it;
                // listing a role would let the minimiser hand it to that role, the opposite of "not shared".
                problems.Add($"{where}: sharingClass is NotShared, so roles must be empty (it lists {string.Join(", ", roles)}).");
            }

            CheckList(roles, "roles", "role", where, problems);
        }

        return byCode;
    }

    private static HashSet<string> ValidateUnits(
        IReadOnlyList<UnitDefinition?> units,
        Dictionary<string, DataItemDefinition>? itemsByCode,
        HashSet<UnitKind>? definedKinds,
        List<string> problems)
    {
        var served = new HashSet<string>(StringComparer.Ordinal);
        var firstIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var firstIndexByName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < units.Count; i++)
        {
            var unit = units[i];
            if (unit is null)
            {
                problems.Add($"{CatalogFiles.Units}: units[{i}]: entry is null.");
                continue;
            }

            var where = $"{CatalogFiles.Units}: {UnitLabel(unit.Id, i)}";
            if (string.IsNullOrWhiteSpace(unit.Id))
            {
                problems.Add($"{where}: id is missing or empty.");
            }
            else
            {
                if (!UnitIdShape().IsMatch(unit.Id))
                {
                    problems.Add($"{where}: id '{unit.Id}' is not lower-case kebab (letters, digits and '-', starting with a letter, e.g. bank-icbc).");
                }

                if (!firstIndex.TryAdd(unit.Id, i))
                {
                    problems.Add($"{where}: duplicate unit id, first used at units[{firstIndex[unit.Id]}].");
                }
            }

            if (RequireName(unit.Name, "name", where, problems) && !firstIndexByName.TryAdd(unit.Name, i))
            {
                problems.Add($"{where}: duplicate unit name '{unit.Name}', first used at units[{firstIndexByName[unit.Name]}].");
            }

            var kindDefined = Enum.IsDefined(unit.Kind);
            if (kindDefined && definedKinds is not null && !definedKinds.Contains(unit.Kind))
            {
                problems.Add($"{where}: kind '{unit.Kind}' has no entry in {CatalogFiles.UnitKinds}.");
            }

            if (unit.Town is not null && string.IsNullOrWhiteSpace(unit.Town))
            {
                problems.Add($"{where}: town is empty; leave it out for a district-wide unit.");
            }

            RequireList(unit.DataItems, "dataItems", where, problems);
            RequireList(unit.Actions, "actions", where, problems);
            var unitItems = unit.DataItems ?? [];
            CheckList(unitItems, "dataItems", "data item", where, problems);
            foreach (var code in unitItems.Where(IsUsableCode))
            {
                served.Add(code);
                if (itemsByCode is null)
                {
                    continue;
                }

                if (!itemsByCode.TryGetValue(code, out var item))
                {
                    problems.Add($"{where}: data item '{code}' is not in {CatalogFiles.DataItems}.");
                }
                else if (kindDefined && Enum.IsDefined(item.OwnerUnitKind) && item.OwnerUnitKind != unit.Kind)
                {
                    // Catches an item listed on the wrong unit, e.g. deposits on the tax bureau.
                    problems.Add($"{where}: answers data item '{code}', which is owned by {item.OwnerUnitKind} units, but is a {unit.Kind} unit.");
                }
            }

            var actions = unit.Actions ?? [];
            CheckList(actions, "actions", "action", where, problems);
            foreach (var action in actions.Where(a => !string.IsNullOrWhiteSpace(a) && !ControlActions.IsKnown(a)))
            {
                problems.Add($"{where}: action '{action}' is not a control action (expected one of: {string.Join(", ", ControlActions.All)}).");
            }

            if (unit.TimeoutMs is <= 0)
            {
                problems.Add($"{where}: timeoutMs must be positive, was {unit.TimeoutMs}; leave it out to use the kind's default.");
            }

            if (unit.Endpoint is { } endpoint && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
            {
                problems.Add($"{where}: endpoint '{endpoint}' is not an absolute http or https URI.");
            }
        }

        return served;
    }

    /// <summary>Empty and repeated entries in a list of codes.</summary>
    private static void CheckList(IReadOnlyList<string> values, string property, string what, string where, List<string> problems)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < values.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(values[i]))
            {
                problems.Add($"{where}: {property}[{i}] is empty.");
            }
            else if (!seen.Add(values[i]))
            {
                problems.Add($"{where}: lists {what} '{values[i]}' twice.");
            }
        }
    }

    /// <summary>Lists can only be null when made in code; JSON null reads as empty.</summary>
    private static void RequireList(IReadOnlyList<string>? values, string property, string where, List<string> problems)
    {
        if (values is null)
        {
            problems.Add($"{where}: {property} is null; use an empty list.");
        }
    }

    private static bool RequireName(string? name, string property, string where, List<string> problems)
    {
        if (!string.IsNullOrWhiteSpace(name))
        {
            return true;
        }

        problems.Add($"{where}: {property} is missing or empty.");
        return false;
    }

    private static bool IsUsableCode(string? code) => !string.IsNullOrWhiteSpace(code);

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex UnitIdShape();

    [GeneratedRegex("^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex DataItemCodeShape();

    [GeneratedRegex("^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex AssetKindCodeShape();
}
