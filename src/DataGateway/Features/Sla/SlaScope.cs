using System.Security.Claims;
using DataGateway.Domain.Catalog;
using DataGateway.Domain.Identity;

namespace DataGateway.Features.Sla;

/// <summary>
/// Which units an agency admin may watch. A district-wide admin's token carries <c>scope</c> with the value
/// <c>district</c> (space-separated, as OAuth scopes are); any other admin sees the units named in the token's
/// <c>unit_id</c> claims (one claim, or a JSON array of ids) and nothing else. An admin token with neither sees nothing.
/// In Entra ID both come from the admin's directory attributes through optional claims; development tokens carry them
/// as given.
/// </summary>
public sealed record SlaScope(bool DistrictWide, IReadOnlySet<string> UnitIds)
{
    /// <summary>The claim that makes an admin district-wide (value <see cref="District"/>).</summary>
    public const string ScopeClaim = GatewayClaimTypes.Scope;

    public const string District = "district";

    public static SlaScope Of(ClaimsPrincipal user, UnitCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(catalog);
        var districtWide = user.FindAll(ScopeClaim)
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Contains(District, StringComparer.Ordinal);
        // Ids the catalog does not know are ignored: a stale claim must not fail the admin's whole view.
        var units = user.FindAll(GatewayClaimTypes.UnitId)
            .Select(c => c.Value)
            .Where(id => catalog.TryGetUnit(id, out _))
            .ToHashSet(StringComparer.Ordinal);
        return new SlaScope(districtWide, units);
    }

    public bool Covers(string unitId) => DistrictWide || UnitIds.Contains(unitId);

    /// <summary>The ids to filter stored figures by; null for every unit.</summary>
    public IReadOnlyCollection<string>? Filter => DistrictWide ? null : [.. UnitIds];
}
