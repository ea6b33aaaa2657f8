namespace DataGateway.Domain.Identity;

/// <summary>
/// The application roles, as they appear in a token's <c>roles</c> claim (Microsoft Entra ID app roles in
/// production, development tokens otherwise).
/// </summary>
public static class Roles
{
    /// <summary>An enforcement judge (执行法官): queries and controls a judgment debtor's assets.</summary>
    public const string Judge = "judge";

    /// <summary>A notary (公证员): settles estates.</summary>
    public const string Notary = "notary";

    /// <summary>An agency administrator: watches the service level of units.</summary>
    public const string AgencyAdmin = "agency-admin";

    /// <summary>An assisting unit's own system: answers queries and reports feedback on its own matters.</summary>
    public const string Unit = "unit";

    /// <summary>An auditor: reads and verifies the audit trail.</summary>
    public const string Auditor = "auditor";

    /// <summary>The court's case system: registers enforcement cases, their officers and parties in the case registry.</summary>
    public const string CourtSystem = "court-system";

    /// <summary>Every role, in the order help texts list them.</summary>
    public static IReadOnlyList<string> All { get; } = [Judge, Notary, AgencyAdmin, Unit, Auditor, CourtSystem];

    /// <summary>Whether <paramref name="role"/> is one of <see cref="All"/> (exact, case-sensitive, as role checks are).</summary>
    public static bool IsKnown(string? role) => role is not null && All.Contains(role, StringComparer.Ordinal);
}
