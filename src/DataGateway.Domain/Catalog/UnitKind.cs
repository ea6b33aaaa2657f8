namespace DataGateway.Domain.Catalog;

/// <summary>The kinds of assisting unit. The catalog refuses any other.</summary>
public enum UnitKind
{
    LandResources,
    RealEstateRegistry,
    Housing,
    Tax,
    Environment,
    PublicSecurity,
    VehicleAdmin,
    CivilAffairs,
    Funeral,
    Health,
    SocialInsurance,
    MedicalInsurance,
    ProvidentFund,
    MarketRegulation,
    Bank,
    Securities,
    Notary,
    Justice,
    Procuratorate,
    SharedCourt,

    /// <summary>
    /// The district court's own systems (judgments, enforcement cases, declarations of death) answering as a unit, for
    /// the estate service: the 377 shared courts only serve documents and find people, and no other kind holds judgments.
    /// </summary>
    Court,
}

/// <summary>Unit kinds by name.</summary>
public static class UnitKinds
{
    private static readonly Dictionary<string, UnitKind> ByName =
        Enum.GetValues<UnitKind>().ToDictionary(k => k.ToString(), StringComparer.Ordinal);

    /// <summary>
    /// Exact, case-sensitive names only ("Bank"): <see cref="Enum.TryParse{TEnum}(string, out TEnum)"/> would also take
    /// "3", "-1" or "Bank, Tax", so a caller's typo would silently filter on nothing.
    /// </summary>
    public static bool TryParse(string? name, out UnitKind kind) => ByName.TryGetValue(name ?? string.Empty, out kind);
}
