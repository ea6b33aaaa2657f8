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

    /// <summary>
    /// The subject's keyed hash, for an access to something stored with only the hash (a matter whose identifier was
    /// cleared after delivery, a stored estate report); set this or <see cref="SubjectIdentifier"/>, never both.
    /// </summary>
    public string? SubjectHash { get; init; }

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
        // Every access runs through here: the messages are built only for a record that fails.
        if (!AuditKinds.IsKnown(Kind))
        {
            throw Invalid(nameof(Kind), $"'{Kind}' is not one of {string.Join(", ", AuditKinds.All)}");
        }

        if (!AuditOutcomes.IsKnown(Outcome))
        {
            throw Invalid(nameof(Outcome), $"'{Outcome}' is not one of {string.Join(", ", AuditOutcomes.All)}");
        }

        if (!AuditPurposeKinds.IsKnown(PurposeKind))
        {
            throw Invalid(nameof(PurposeKind), $"'{PurposeKind}' is not one of {string.Join(", ", AuditPurposeKinds.All)}");
        }

        if (PurposeKind == AuditPurposeKinds.None && Purpose is not null)
        {
            throw Invalid(nameof(Purpose), "must be null when the purpose kind is none");
        }

        if (SubjectIdentifier is not null && SubjectHash is not null)
        {
            throw Invalid(nameof(SubjectHash), "must be null when the subject identifier is given (the trail hashes it)");
        }

        if (string.IsNullOrEmpty(RequestId))
        {
            throw Invalid(nameof(RequestId), "is required");
        }

        if (Actor is null)
        {
            throw Invalid(nameof(Actor), "is required");
        }

        if (!IsListWithoutNulls(UnitsAsked))
        {
            throw Invalid(nameof(UnitsAsked), "must be a list without nulls");
        }

        if (!IsListWithoutNulls(ItemsReturned))
        {
            throw Invalid(nameof(ItemsReturned), "must be a list without nulls");
        }
    }

    private static bool IsListWithoutNulls(IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            return false;
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is null)
            {
                return false;
            }
        }

        return true;
    }

    private static ArgumentException Invalid(string field, string reason) => new($"AccessRecord.{field} {reason}.", field);
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
        return new AuditActor(
            user.FindFirstValue(GatewayClaimTypes.Subject) ?? string.Empty,
            RolesOf(user),
            user.FindFirstValue(GatewayClaimTypes.UnitId));
    }

    /// <summary>The user's roles, each once, sorted (ordinal), joined with commas: the form stored and searched.</summary>
    public static string RolesOf(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        // Once per access; a token carries one or two roles, so a sorted list beats LINQ's Distinct/Order machinery.
        // Claim types compare ignoring case, as ClaimsPrincipal.FindAll does.
        List<string>? roles = null;
        string? only = null;
        foreach (var identity in user.Identities)
        {
            foreach (var claim in identity.Claims)
            {
                if (!string.Equals(claim.Type, GatewayClaimTypes.Roles, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (only is null && roles is null)
                {
                    only = claim.Value;
                    continue;
                }

                roles ??= [only!];
                var at = roles.BinarySearch(claim.Value, StringComparer.Ordinal);
                if (at < 0)
                {
                    roles.Insert(~at, claim.Value);
                }
            }
        }

        return roles is null ? only ?? string.Empty : string.Join(',', roles);
    }
}
