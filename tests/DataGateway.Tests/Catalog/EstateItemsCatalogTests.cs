using DataGateway.Domain.Catalog;
using DataGateway.Domain.Identity;

namespace DataGateway.Tests.Catalog;

/// <summary>The estate service's data items (EST-*) in the shipped catalog.</summary>
public sealed class EstateItemsCatalogTests
{
    private static readonly Lazy<UnitCatalog> Shipped = new(() => UnitCatalog.Load(UnitCatalog.DefaultDirectory));

    private static UnitCatalog Catalog => Shipped.Value;

    private static List<DataItemDefinition> EstateItems => [.. Catalog.DataItems.Where(i => i.Code.StartsWith("EST-", StringComparison.Ordinal))];

    [Fact]
    public void Load_ShippedConfig_HasExactly107EstateItemsBesideTheElevenEnforcementItems()
    {
        Assert.Equal(107, EstateItems.Count);
        Assert.Equal(11, Catalog.DataItems.Count(i => i.Code.StartsWith("ENF-", StringComparison.Ordinal)));
        Assert.Equal(118, Catalog.DataItems.Count);
    }

    [Fact]
    public void Load_ShippedConfig_EveryEstateItemIsServedByAUnitOfItsOwnerKind()
    {
        Assert.All(EstateItems, item =>
        {
            var units = Catalog.Units.Where(u => u.DataItems.Contains(item.Code)).ToList();
            Assert.NotEmpty(units);
            Assert.All(units, u => Assert.Equal(item.OwnerUnitKind, u.Kind));
        });
    }

    [Fact]
    public void Load_ShippedConfig_EstateItemsAreNotAssetKindsSoAssetQueriesNeverAskThem()
    {
        Assert.All(EstateItems, item => Assert.Null(item.AssetKind));
        Assert.All(Catalog.AssetKinds, kind => Assert.DoesNotContain(Catalog.DataItemsOf(kind.Code), code => code.StartsWith("EST-", StringComparison.Ordinal)));
    }

    [Fact]
    public void Load_ShippedConfig_SharedEstateItemsAreForNotariesAndNotSharedOnesForNoOne()
    {
        var notShared = EstateItems.Where(i => i.SharingClass == SharingClass.NotShared).ToList();

        Assert.InRange(notShared.Count, 1, 10);
        Assert.All(notShared, i => Assert.Empty(i.Roles));
        Assert.All(EstateItems.Except(notShared), i => Assert.Equal([Roles.Notary], i.Roles));
        Assert.Contains(notShared, i => i.Code == "EST-WILL-CONTENT");
        Assert.Contains(notShared, i => i.Code == "EST-DEATH-CAUSE");
    }

    [Theory]
    [InlineData("EST-DEATH-", 5)]
    [InlineData("EST-ID-", 4)]
    [InlineData("EST-KIN-", 6)]
    [InlineData("EST-RE-", 4)]
    [InlineData("EST-LAND-", 2)]
    [InlineData("EST-VEH-", 2)]
    [InlineData("EST-DEP-", 2)]
    [InlineData("EST-WEALTH-", 2)]
    [InlineData("EST-SEC-", 2)]
    [InlineData("EST-PF-", 2)]
    [InlineData("EST-PENSION-", 3)]
    [InlineData("EST-MED-", 3)]
    [InlineData("EST-SURV-", 2)]
    [InlineData("EST-TAX-", 2)]
    [InlineData("EST-EQUITY-", 2)]
    [InlineData("EST-DEBT-", 4)]
    [InlineData("EST-WILL-", 2)]
    public void Load_ShippedConfig_EveryEstateGroupHasItsItems(string prefix, int atLeast)
    {
        Assert.True(EstateItems.Count(i => i.Code.StartsWith(prefix, StringComparison.Ordinal)) >= atLeast, $"fewer than {atLeast} {prefix}* items");
    }

    [Theory]
    [InlineData("EST-DEATH-MEDICAL-CERT", "health-bureau")]
    [InlineData("EST-DEATH-CREMATION", "funeral-home")]
    [InlineData("EST-DEATH-HOUSEHOLD-DEREG", "police-bureau")]
    [InlineData("EST-KIN-MARRIAGE-RECORD", "marriage-registry")]
    [InlineData("EST-KIN-CHILDREN", "police-bureau")]
    [InlineData("EST-RE-UNITS", "realestate-registry")]
    [InlineData("EST-MED-PERSONAL-ACCOUNT", "medical-insurance-centre")]
    [InlineData("EST-DEBT-JUDGMENTS", "court-shangyu")]
    [InlineData("EST-WILL-NOTARISED", "notary-shangyu")]
    public void Load_ShippedConfig_EstateItemIsAnsweredByTheUnitThatHoldsIt(string code, string unitId)
    {
        Assert.True(Catalog.TryGetUnit(unitId, out var unit));

        Assert.Contains(code, unit.DataItems);
    }

    [Fact]
    public void Load_ShippedConfig_EveryBankAnswersTheBankEstateItems()
    {
        var bankItems = EstateItems.Where(i => i.OwnerUnitKind == UnitKind.Bank).Select(i => i.Code).ToList();

        Assert.True(bankItems.Count >= 10, $"only {bankItems.Count} bank items");
        Assert.All(Catalog.UnitsOf(UnitKind.Bank), bank => Assert.Superset(bankItems.ToHashSet(), bank.DataItems.ToHashSet()));
    }

    [Fact]
    public void Load_ShippedConfig_EstateItemsHaveBilingualNamesAndCacheLifetimes()
    {
        Assert.All(EstateItems, i =>
        {
            Assert.False(string.IsNullOrWhiteSpace(i.NameZh));
            Assert.False(string.IsNullOrWhiteSpace(i.NameEn));
            Assert.True(i.SharingClass == SharingClass.NotShared ? i.CacheSeconds == 0 : i.CacheSeconds > 0, i.Code);
        });
        Assert.Equal(107, EstateItems.Select(i => i.NameZh).Distinct().Count());
    }
}
