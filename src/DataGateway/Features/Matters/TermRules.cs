using DataGateway.Domain.Catalog;

namespace DataGateway.Features.Matters;

/// <summary>The kinds of property whose seal or freeze terms the law limits differently.</summary>
public enum PropertyClass
{
    /// <summary>Bank deposits (银行存款).</summary>
    Deposits,

    /// <summary>Movable property (动产), here vehicles.</summary>
    Movables,

    /// <summary>Real estate (不动产) and other property rights (其他财产权: land use rights, equity, securities, funds).</summary>
    RealEstateAndOtherRights,
}

/// <summary>
/// Legal limits of seal and freeze terms (Supreme People's Court provisions on sealing, seizing and freezing property in
/// civil enforcement): deposits at most one year, movable property two, real estate and other property rights three; a
/// renewal at most the same again. Terms are given in whole months.
/// </summary>
public static class TermRules
{
    /// <summary>Actions that run for a term (and therefore need one).</summary>
    public static bool HasTerm(string action) =>
        action is ControlActions.Seal or ControlActions.RenewSeal or ControlActions.Freeze or ControlActions.RenewFreeze;

    /// <summary>What a unit of <paramref name="kind"/> holds, as far as term limits go.</summary>
    public static PropertyClass PropertyOf(UnitKind kind) => kind switch
    {
        UnitKind.Bank => PropertyClass.Deposits,
        UnitKind.VehicleAdmin => PropertyClass.Movables,
        _ => PropertyClass.RealEstateAndOtherRights,
    };

    public static int MaxMonths(PropertyClass property) => property switch
    {
        PropertyClass.Deposits => 12,
        PropertyClass.Movables => 24,
        _ => 36,
    };

    public static string Describe(PropertyClass property) => property switch
    {
        PropertyClass.Deposits => "deposits",
        PropertyClass.Movables => "movable property",
        _ => "real estate and other property rights",
    };
}
