namespace DataGateway.Domain.Catalog;

/// <summary>An assisting unit as the catalog (config/units.json) describes it.</summary>
public sealed record UnitDefinition
{
    /// <summary>Stable id, lower-case kebab, e.g. "bank-sxrcb", "shared-court-0001".</summary>
    public required string Id { get; init; }

    /// <summary>Official Chinese name.</summary>
    public required string Name { get; init; }

    public required UnitKind Kind { get; init; }

    /// <summary>Town or street (shared courts); null for district-wide units.</summary>
    public string? Town { get; init; }

    /// <summary>Data item codes this unit answers.</summary>
    public IReadOnlyList<string> DataItems { get; init; } = [];

    /// <summary>Control actions this unit accepts (SEAL, FREEZE, SERVE_DOCUMENT, ...).</summary>
    public IReadOnlyList<string> Actions { get; init; } = [];

    /// <summary>Per-unit query timeout; null takes the kind's default.</summary>
    public int? TimeoutMs { get; init; }

    /// <summary>gRPC endpoint of the unit's AgencyService; null takes the gateway's default (the simulator).</summary>
    public Uri? Endpoint { get; init; }
}

/// <summary>Per-kind settings (config/unit-kinds.json).</summary>
public sealed record UnitKindDefinition
{
    public required UnitKind Kind { get; init; }

    public required string NameZh { get; init; }

    public required string NameEn { get; init; }

    /// <summary>How long the gateway waits for a unit of this kind to answer a query.</summary>
    public int TimeoutMs { get; init; } = 2000;
}

/// <summary>One kind of fact a unit can return (config/data-items.json).</summary>
public sealed record DataItemDefinition
{
    public required string Code { get; init; }

    public required string NameZh { get; init; }

    public required string NameEn { get; init; }

    public required UnitKind OwnerUnitKind { get; init; }

    /// <summary>The enforcement asset kind this item answers; null when it is not an asset.</summary>
    public string? AssetKind { get; init; }

    public required Sensitivity Sensitivity { get; init; }

    public required SharingClass SharingClass { get; init; }

    /// <summary>Roles that may see this item.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>How long an answer may be served from cache; 0 never caches it.</summary>
    public int CacheSeconds { get; init; }
}

/// <summary>An enforcement asset kind (config/asset-kinds.json).</summary>
public sealed record AssetKindDefinition
{
    /// <summary>Upper-case code, e.g. "REAL_ESTATE".</summary>
    public required string Code { get; init; }

    public required string NameZh { get; init; }

    public required string NameEn { get; init; }
}

/// <summary>Zhejiang public-data sensitivity levels: L1 not sensitive … L4 sensitive (financial accounts, medical records).</summary>
public enum Sensitivity
{
    L1 = 1,
    L2 = 2,
    L3 = 3,
    L4 = 4,
}

/// <summary>Zhejiang public-data sharing classes.</summary>
public enum SharingClass
{
    Unconditional,
    Restricted,
    NotShared,
}
