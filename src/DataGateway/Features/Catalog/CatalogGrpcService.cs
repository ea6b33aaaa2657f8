using System.Globalization;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Catalog;
using DataGateway.Features.Api;
using DataGateway.Features.Units;
using Grpc.Core;

namespace DataGateway.Features.Catalog;

/// <summary>The catalog over gRPC and, through JSON transcoding, REST (GET /v1/units, /v1/data-items, /v1/asset-kinds).</summary>
internal sealed class CatalogGrpcService(CatalogView view, UnitCatalog catalog, UnitPipelines pipelines, UnitHealthBoard board)
    : CatalogService.CatalogServiceBase
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 500;

    public override Task<ListUnitsResponse> ListUnits(ListUnitsRequest request, ServerCallContext context)
    {
        if (request.PageSize is < 0 or > MaxPageSize)
        {
            throw ApiErrors.InvalidArgument("pageSize", $"must be between 1 and {MaxPageSize} (or 0 for the default {DefaultPageSize})");
        }

        var matching = view.Filter(request.Kind, request.AssetKind);
        var offset = ParsePageToken(request.PageToken, matching.Count);
        var size = request.PageSize == 0 ? DefaultPageSize : request.PageSize;

        var response = new ListUnitsResponse { TotalSize = matching.Count };
        var end = Math.Min(offset + size, matching.Count);
        for (var i = offset; i < end; i++)
        {
            response.Units.Add(matching[i]);
        }

        response.NextPageToken = end < matching.Count ? end.ToString(CultureInfo.InvariantCulture) : string.Empty;
        return Task.FromResult(response);
    }

    public override Task<GetUnitResponse> GetUnit(GetUnitRequest request, ServerCallContext context)
    {
        if (string.IsNullOrEmpty(request.UnitId))
        {
            throw ApiErrors.InvalidArgument("unitId", "is required");
        }

        return view.TryGetUnit(request.UnitId, out var unit)
            ? Task.FromResult(new GetUnitResponse { Unit = unit })
            : throw ApiErrors.NotFound("unitId", $"no unit '{request.UnitId}' in the catalog");
    }

    public override Task<GetUnitHealthResponse> GetUnitHealth(GetUnitHealthRequest request, ServerCallContext context)
    {
        if (!catalog.TryGetUnit(request.UnitId, out var unit))
        {
            throw ApiErrors.NotFound("unitId", $"no unit '{request.UnitId}' in the catalog");
        }

        var health = board.LastOf(unit.Id)?.Clone() ?? new UnitHealth { UnitId = unit.Id };
        health.CircuitState = pipelines.CircuitOf(unit) switch
        {
            Polly.CircuitBreaker.CircuitState.Open => "OPEN",
            Polly.CircuitBreaker.CircuitState.HalfOpen => "HALF_OPEN",
            Polly.CircuitBreaker.CircuitState.Isolated => "ISOLATED",
            _ => "CLOSED",
        };
        return Task.FromResult(new GetUnitHealthResponse { Health = health });
    }

    public override Task<ListDataItemsResponse> ListDataItems(ListDataItemsRequest request, ServerCallContext context)
    {
        var response = new ListDataItemsResponse();
        response.DataItems.AddRange(view.DataItems(request.AssetKind));
        return Task.FromResult(response);
    }

    public override Task<ListAssetKindsResponse> ListAssetKinds(ListAssetKindsRequest request, ServerCallContext context)
    {
        var response = new ListAssetKindsResponse();
        response.AssetKinds.AddRange(view.AssetKinds);
        return Task.FromResult(response);
    }

    // The token is the offset of the next page; the catalog does not change while the gateway runs.
    private static int ParsePageToken(string token, int count)
    {
        if (token.Length == 0)
        {
            return 0;
        }

        return int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var offset) && offset <= count
            ? offset
            : throw ApiErrors.InvalidArgument("pageToken", "is not a token this API returned");
    }
}

/// <summary>
/// The catalog as contract messages, built once at start: listing 489 units must not map them on every call.
/// </summary>
internal sealed class CatalogView
{
    private readonly UnitCatalog _catalog;
    private readonly Unit[] _units;
    private readonly Dictionary<string, Unit> _unitsById;
    private readonly DataItem[] _dataItems;

    public CatalogView(UnitCatalog catalog)
    {
        _catalog = catalog;
        _units = [.. catalog.Units.Select(u => ToContract(catalog, u))];
        _unitsById = _units.ToDictionary(u => u.UnitId, StringComparer.Ordinal);
        _dataItems = [.. catalog.DataItems.Select(ToContract)];
        AssetKinds = [.. catalog.AssetKinds.Select(k => new AssetKind
        {
            Code = k.Code,
            NameZh = k.NameZh,
            NameEn = k.NameEn,
            DataItems = { catalog.DataItemsOf(k.Code) },
        })];
    }

    public IReadOnlyList<AssetKind> AssetKinds { get; }

    public bool TryGetUnit(string unitId, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Unit unit) =>
        _unitsById.TryGetValue(unitId, out unit);

    public IReadOnlyList<Unit> Filter(string kind, string assetKind)
    {
        if (kind.Length > 0 && !UnitKinds.TryParse(kind, out _))
        {
            throw ApiErrors.InvalidArgument("kind", $"unknown unit kind '{kind}'; known kinds: {string.Join(", ", Enum.GetNames<UnitKind>())}");
        }

        RequireKnownAssetKind(assetKind);
        if (kind.Length == 0 && assetKind.Length == 0)
        {
            return _units;
        }

        return [.. _units.Where(u => (kind.Length == 0 || u.Kind == kind) && (assetKind.Length == 0 || u.AssetKinds.Contains(assetKind)))];
    }

    public IEnumerable<DataItem> DataItems(string assetKind)
    {
        RequireKnownAssetKind(assetKind);
        return assetKind.Length == 0 ? _dataItems : _dataItems.Where(i => i.AssetKind == assetKind);
    }

    private void RequireKnownAssetKind(string assetKind)
    {
        if (assetKind.Length > 0 && !_catalog.TryGetAssetKind(assetKind, out _))
        {
            throw ApiErrors.InvalidArgument("assetKind", $"unknown asset kind '{assetKind}'; see GET /v1/asset-kinds");
        }
    }

    private static Unit ToContract(UnitCatalog catalog, UnitDefinition unit) => new()
    {
        UnitId = unit.Id,
        Name = unit.Name,
        Kind = unit.Kind.ToString(),
        Town = unit.Town ?? string.Empty,
        DataItems = { unit.DataItems },
        AssetKinds = { catalog.AssetKindsOf(unit) },
        Actions = { unit.Actions },
        TimeoutMs = catalog.TimeoutMsOf(unit),
    };

    private static DataItem ToContract(DataItemDefinition item) => new()
    {
        Code = item.Code,
        NameZh = item.NameZh,
        NameEn = item.NameEn,
        OwnerUnitKind = item.OwnerUnitKind.ToString(),
        AssetKind = item.AssetKind ?? string.Empty,
        Sensitivity = item.Sensitivity.ToString(),
        SharingClass = item.SharingClass switch
        {
            SharingClass.Unconditional => "UNCONDITIONAL",
            SharingClass.Restricted => "RESTRICTED",
            _ => "NOT_SHARED",
        },
        Roles = { item.Roles },
        CacheSeconds = item.CacheSeconds,
    };
}
