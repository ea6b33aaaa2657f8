using System.Security.Claims;
using DataGateway.Domain.Audit;
using DataGateway.Domain.Identity;

namespace DataGateway.Features.Audit;

/// <summary>
/// One data access, as the code that made it reports it to <see cref="IAuditTrail"/>. The trail adds the time, the
/// sequence and the hash chain, and turns <see cref="SubjectIdentifier"/> into a keyed hash.
/// </summary>
public sealed record AccessRecord
{
    /// <summary>One of <see cref="AuditKinds"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>The gateway's id of the request (e.g. the asset query's query_id).</summary>
    public required string RequestId { get; init; }

    /// <summary>Who made the request; <see cref="AuditActor.From"/> reads it from the caller's token.</summary>
    public required AuditActor Actor { get; init; }

    /// <summary>One of <see cref="AuditPurposeKinds"/>. Default none.</summary>
    public string PurposeKind { get; init; } = AuditPurposeKinds.None;

    /// <summary>The canonical case or notarial file number; null when there is none (or it did not parse).</summary>
    public string? Purpose { get; init; }

    /// <summary>
    /// The subject's canonical identifier (resident ID number with upper-case X, or credit code), in plain text. The
    /// trail stores only its keyed hash; it is never written anywhere as given.
    /// </summary>
    public string? SubjectIdentifier { get; init; }

    /// <summary>Catalog ids of the units asked (none for a cache hit).</summary>
    public IReadOnlyList<string> UnitsAsked { get; init; } = [];

    /// <summary>Codes of the data items returned to the caller.</summary>
    public IReadOnlyList<string> ItemsReturned { get; init; } = [];

    /// <summary>One of <see cref="AuditOutcomes"/>.</summary>
    public required string Outcome { get; init; }

    /// <summary>Free text for the auditor. Never put an identifier of a person here: it is stored as given.</summary>
    public string? Detail { get; init; }

    /// <summary>Whether the answer came from the gateway's cache.</summary>
    public bool FromCache { get; init; }

    /// <summary>Refuses a record the trail could not store faithfully: these are the calling code's bugs, not outages.</summary>
    /// <exception cref="ArgumentException">A kind, outcome or purpose kind outside its list, or a missing id.</exception>
    public void Validate()
    {
        Require(AuditKinds.IsKnown(Kind), nameof(Kind), $"'{Kind}' is not one of {string.Join(", ", AuditKinds.All)}");
        Require(AuditOutcomes.IsKnown(Outcome), nameof(Outcome), $"'{Outcome}' is not one of {string.Join(", ", AuditOutcomes.All)}");
        Require(AuditPurposeKinds.IsKnown(PurposeKind), nameof(PurposeKind), $"'{PurposeKind}' is not one of {string.Join(", ", AuditPurposeKinds.All)}");
        Require(PurposeKind != AuditPurposeKinds.None || Purpose is null, nameof(Purpose), "must be null when the purpose kind is none");
        Require(!string.IsNullOrEmpty(RequestId), nameof(RequestId), "is required");
        Require(Actor is not null, nameof(Actor), "is required");
        Require(UnitsAsked is not null && !UnitsAsked.Contains(null!), nameof(UnitsAsked), "must be a list without nulls");
        Require(ItemsReturned is not null && !ItemsReturned.Contains(null!), nameof(ItemsReturned), "must be a list without nulls");
    }

    private static void Require(bool condition, string field, string reason)
    {
        if (!condition)
        {
            throw new ArgumentException($"AccessRecord.{field} {reason}.", field);
        }
    }
}

/// <summary>Who made a request, as the audit trail records it.</summary>
/// <param name="Subject">The token's <c>sub</c> claim (empty if it has none).</param>
/// <param name="Roles">The token's roles, sorted (ordinal) and joined with commas.</param>
/// <param name="UnitId">The <c>unit_id</c> claim of a unit's system; null for people.</param>
public sealed record AuditActor(string Subject, string Roles, string? UnitId)
{
    /// <summary>The actor behind an authenticated request.</summary>
    public static AuditActor From(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var roles = user.FindAll(GatewayClaimTypes.Roles).Select(c => c.Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return new AuditActor(
            user.FindFirstValue(GatewayClaimTypes.Subject) ?? string.Empty,
            string.Join(',', roles),
            user.FindFirstValue(GatewayClaimTypes.UnitId));
    }
}
