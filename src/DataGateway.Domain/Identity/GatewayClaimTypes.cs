namespace DataGateway.Domain.Identity;

/// <summary>
/// Names of the JWT claims the gateway reads. They are Microsoft Entra ID's names where Entra has one, so production
/// and development tokens look the same to the gateway.
/// </summary>
public static class GatewayClaimTypes
{
    /// <summary>The caller's stable id within the issuer.</summary>
    public const string Subject = "sub";

    /// <summary>Display name, for audit records and responses.</summary>
    public const string Name = "name";

    /// <summary>App roles, always a JSON array (see <see cref="Identity.Roles"/>).</summary>
    public const string Roles = "roles";

    /// <summary>Entra object id, which Microsoft.Identity.Web uses as the user's id.</summary>
    public const string ObjectId = "oid";

    /// <summary>Entra tenant id.</summary>
    public const string TenantId = "tid";

    /// <summary>The catalog id of the unit a <c>unit</c> caller speaks for, e.g. <c>bank-sxrcb</c>.</summary>
    public const string UnitId = "unit_id";

    /// <summary>The court code of a judge's court, e.g. <c>浙0604</c>.</summary>
    public const string Court = "court";

    /// <summary>
    /// The office code of a notary's notary office, e.g. <c>浙绍上</c> (the Shangyu notary office): the office part of the
    /// notarial file numbers the notary may make estate inquiries under. In Entra ID an optional claim mapped from a
    /// directory extension attribute; no such claim is standard.
    /// </summary>
    public const string NotaryOffice = "notary_office";

    /// <summary>
    /// Space-separated scopes; <c>district</c> lets an agency admin see every unit's service levels rather than only the
    /// units in their <see cref="UnitId"/> claims.
    /// </summary>
    public const string Scope = "scope";
}
