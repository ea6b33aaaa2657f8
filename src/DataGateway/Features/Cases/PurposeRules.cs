using System.Security.Claims;
using DataGateway.Domain.Identity;

namespace DataGateway.Features.Cases;

/// <summary>
/// Whether a query may be made under a case. <see cref="Reason"/> says why not, for the user and the audit trail;
/// it names the case but never an identifier of the subject.
/// </summary>
public sealed record PurposeDecision(bool Allowed, string? Reason)
{
    public static PurposeDecision Allow { get; } = new(true, null);

    public static PurposeDecision Deny(string reason) => new(false, reason);
}

/// <summary>Who asks, as far as purpose binding cares: the token's <c>sub</c> and, when it carries one, its <c>court</c>.</summary>
internal sealed record CaseCaller(string? OfficerId, string? CourtCode)
{
    public static CaseCaller From(ClaimsPrincipal user) => new(
        NullIfBlank(user.FindFirstValue(GatewayClaimTypes.Subject)),
        NullIfBlank(user.FindFirstValue(GatewayClaimTypes.Court)));

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

/// <summary>
/// Purpose binding: a judge may query only the parties of an open case assigned to them, in their own court. The rules
/// run in an order that tells a caller nothing about a case that is not theirs (whether it is closed, who its parties
/// are) beyond that it exists.
/// </summary>
internal static class PurposeRules
{
    /// <summary>May <paramref name="caller"/> query the subject whose keyed hash is <paramref name="subjectHash"/> under the case?</summary>
    /// <param name="registered">The case as the registry holds it; null when it holds none.</param>
    /// <param name="caseNumber">The canonical case number the query names.</param>
    public static PurposeDecision Decide(RegisteredCase? registered, string caseNumber, CaseCaller caller, string subjectHash)
    {
        if (registered is null)
        {
            return PurposeDecision.Deny($"no such case in the case registry: {caseNumber}");
        }

        var access = CanSee(registered, caller);
        if (!access.Allowed)
        {
            return access;
        }

        if (!registered.IsOpen)
        {
            return PurposeDecision.Deny($"case {caseNumber} is closed");
        }

        return registered.HasDebtor(subjectHash)
            ? PurposeDecision.Allow
            : PurposeDecision.Deny($"the subject is not a judgment debtor in case {caseNumber}");
    }

    /// <summary>May <paramref name="caller"/>, as an officer, see the case at all: assigned to them, in their court.</summary>
    public static PurposeDecision CanSee(RegisteredCase registered, CaseCaller caller)
    {
        if (caller.OfficerId is null)
        {
            return PurposeDecision.Deny("your token carries no subject (sub), so no case can be assigned to you");
        }

        if (!registered.IsAssignedTo(caller.OfficerId))
        {
            return PurposeDecision.Deny($"case {registered.CaseNumber} is not assigned to you");
        }

        // Without a court claim the officer list alone decides: Entra tokens need not carry it.
        if (caller.CourtCode is not null && !string.Equals(caller.CourtCode, registered.CourtCode, StringComparison.Ordinal))
        {
            return PurposeDecision.Deny($"case {registered.CaseNumber} belongs to court {registered.CourtCode}, not to your court {caller.CourtCode}");
        }

        return PurposeDecision.Allow;
    }
}
