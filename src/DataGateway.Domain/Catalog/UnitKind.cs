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
}
