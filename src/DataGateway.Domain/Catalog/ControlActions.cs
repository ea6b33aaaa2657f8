using System.Collections.Frozen;

namespace DataGateway.Domain.Catalog;

/// <summary>The control actions a unit may accept (config/units.json "actions"); the catalog refuses any other.</summary>
public static class ControlActions
{
    /// <summary>查封: seal real estate, land use rights or vehicles.</summary>
    public const string Seal = "SEAL";

    /// <summary>续封: renew a seal before it lapses.</summary>
    public const string RenewSeal = "RENEW_SEAL";

    /// <summary>解封: release a seal.</summary>
    public const string ReleaseSeal = "RELEASE_SEAL";

    /// <summary>冻结: freeze deposits, securities, funds or equity.</summary>
    public const string Freeze = "FREEZE";

    /// <summary>续冻: renew a freeze before it lapses.</summary>
    public const string RenewFreeze = "RENEW_FREEZE";

    /// <summary>解冻: lift a freeze.</summary>
    public const string Unfreeze = "UNFREEZE";

    /// <summary>扣划: transfer frozen funds to the court.</summary>
    public const string Deduct = "DEDUCT";

    /// <summary>送达: a shared court serves a court document on a party.</summary>
    public const string ServeDocument = "SERVE_DOCUMENT";

    /// <summary>查人找人: a shared court helps find a party.</summary>
    public const string LocatePerson = "LOCATE_PERSON";

    /// <summary>Every known action, in the order above.</summary>
    public static IReadOnlyList<string> All { get; } =
        Array.AsReadOnly([Seal, RenewSeal, ReleaseSeal, Freeze, RenewFreeze, Unfreeze, Deduct, ServeDocument, LocatePerson]);

    private static readonly FrozenSet<string> Known = All.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="action"/> is one of <see cref="All"/> (exact, case-sensitive).</summary>
    public static bool IsKnown(string? action) => action is not null && Known.Contains(action);
}
