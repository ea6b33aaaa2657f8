using DataGateway.Domain.Catalog;

namespace DataGateway.Tests.Catalog;

/// <summary>The catalog in config/, as every host loads it.</summary>
public sealed class ShippedCatalogTests
{
    private static readonly string[] Towns =
    [
        "百官街道", "曹娥街道", "东关街道", "道墟街道", "梁湖街道", "小越街道", "崧厦街道",
        "长塘镇", "上浦镇", "汤浦镇", "章镇镇", "下管镇", "丰惠镇", "永和镇", "驿亭镇", "谢塘镇", "盖北镇",
        "岭南乡", "陈溪乡", "丁宅乡",
    ];

    private static readonly Lazy<UnitCatalog> Shipped = new(() => UnitCatalog.Load(UnitCatalog.DefaultDirectory));

    private static UnitCatalog Catalog => Shipped.Value;

    [Fact]
    public void Load_ShippedConfig_Has489AssistingUnitsOf377SharedCourtsAndTheCourt()
    {
        // The district's 489 assisting units, and the court's own systems answering the estate service as one more unit.
        Assert.Equal(490, Catalog.Units.Count);
        Assert.Equal(489, Catalog.Units.Count(u => u.Kind != UnitKind.Court));
        Assert.Equal("court-shangyu", Assert.Single(Catalog.UnitsOf(UnitKind.Court)).Id);
        Assert.Equal(377, Catalog.UnitsOf(UnitKind.SharedCourt).Count);
        Assert.Equal(377, Catalog.Units.Count(u => u.Kind == UnitKind.SharedCourt));
    }

    [Fact]
    public void Load_ShippedConfig_DefinesEveryUnitKind()
    {
        Assert.Equal(Enum.GetValues<UnitKind>().Order(), Catalog.UnitKinds.Select(k => k.Kind).Order());
        Assert.All(Enum.GetValues<UnitKind>(), kind => Assert.NotEmpty(Catalog.UnitsOf(kind)));
    }

    [Fact]
    public void Load_ShippedConfig_EveryAssetKindAnsweredByAUnit()
    {
        Assert.True(Catalog.AssetKinds.Count >= 11);
        Assert.All(Catalog.AssetKinds, kind => Assert.NotEmpty(Catalog.UnitsAnswering([kind.Code])));
    }

    [Fact]
    public void Load_ShippedConfig_HasTwentyOrMoreBanksThatAnswerDepositsAndTakeFreezes()
    {
        var banks = Catalog.UnitsOf(UnitKind.Bank);

        Assert.True(banks.Count >= 20, $"only {banks.Count} banks");
        Assert.All(banks, bank =>
        {
            Assert.Equal(["DEPOSIT", "WEALTH_PRODUCT"], Catalog.AssetKindsOf(bank));
            Assert.Equal([ControlActions.Freeze, ControlActions.RenewFreeze, ControlActions.Unfreeze, ControlActions.Deduct], bank.Actions);
            Assert.Equal(3000, Catalog.TimeoutMsOf(bank));
        });
        Assert.Equal(banks, Catalog.UnitsAnswering(["DEPOSIT"]));
    }

    [Fact]
    public void Load_ShippedConfig_EachNonBankAssetKindHasExactlyOneUnit()
    {
        var nonBankKinds = Catalog.AssetKinds.Select(k => k.Code).Except(["DEPOSIT", "WEALTH_PRODUCT"]);

        Assert.All(nonBankKinds, code => Assert.Single(Catalog.UnitsAnswering([code])));
    }

    [Fact]
    public void Load_ShippedConfig_IntegratedQueryFansOutToTheAnsweringUnitsOnly()
    {
        var all = Catalog.UnitsAnswering([]);

        Assert.InRange(all.Count, 30, 40);
        // Units answering only estate items (funeral home, marriage registry ...) are never asked in an asset query.
        Assert.Equal(Catalog.Units.Where(u => u.DataItems.Any(code => Catalog.TryGetDataItem(code, out var item) && item.AssetKind is not null)), all);
        Assert.DoesNotContain(all, u => u.Kind == UnitKind.SharedCourt);
    }

    [Fact]
    public void Load_ShippedConfig_SharedCourtsAreNumberedAndSpreadOverEveryTown()
    {
        var courts = Catalog.UnitsOf(UnitKind.SharedCourt);

        Assert.Equal(Enumerable.Range(1, 377).Select(n => $"shared-court-{n:0000}"), courts.Select(c => c.Id));
        Assert.All(courts, court =>
        {
            Assert.EndsWith("共享法庭", court.Name);
            Assert.Empty(court.DataItems);
            Assert.Equal([ControlActions.ServeDocument, ControlActions.LocatePerson], court.Actions);
            Assert.True(court.Town is null || Towns.Contains(court.Town), $"{court.Id} sits in unknown town {court.Town}");
        });
        Assert.All(Towns, town => Assert.Contains(courts, c => c.Town == town));
        Assert.InRange(courts.Count(c => c.Name.Contains("社区", StringComparison.Ordinal)), 80, 100);
    }

    [Fact]
    public void Load_ShippedConfig_UnitNamesAreUnique()
    {
        Assert.Equal(Catalog.Units.Count, Catalog.Units.Select(u => u.Name).Distinct().Count());
    }

    [Fact]
    public void UnitsAnswering_RealEstate_IsTheRegistry()
    {
        var unit = Assert.Single(Catalog.UnitsAnswering(["REAL_ESTATE"]));

        Assert.Equal("realestate-registry", unit.Id);
        Assert.Equal("上虞区不动产登记服务中心", unit.Name);
        Assert.Equal([ControlActions.Seal, ControlActions.RenewSeal, ControlActions.ReleaseSeal], unit.Actions);
    }

    [Fact]
    public void UnitsAnswering_SeveralKinds_GivesEachUnitOnceInCatalogOrder()
    {
        var units = Catalog.UnitsAnswering(["DEPOSIT", "REAL_ESTATE", "WEALTH_PRODUCT", "DEPOSIT"]);

        var expected = Catalog.Units.Where(u => u.Kind == UnitKind.Bank || u.Id == "realestate-registry");
        Assert.Equal(expected, units);
    }

    [Fact]
    public void UnitsAnswering_UnknownAssetKind_ThrowsNamingIt()
    {
        var exception = Assert.Throws<ArgumentException>(() => Catalog.UnitsAnswering(["GOLD"]));

        Assert.Contains("'GOLD'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TimeoutMsOf_UnitWithOwnTimeout_TakesItOverTheKindDefault()
    {
        Assert.True(Catalog.TryGetUnit("securities-csdc", out var csdc));

        Assert.Equal(4000, Catalog.TimeoutMsOf(csdc));
        Assert.Equal(3000, Catalog.KindOf(UnitKind.Securities).TimeoutMs);
    }

    [Fact]
    public void Lookups_KnownAndUnknownCodes_AnswerAccordingly()
    {
        Assert.True(Catalog.TryGetUnit("bank-sxrcb", out var sxrcb));
        Assert.Equal("浙江上虞农村商业银行", sxrcb.Name);
        Assert.True(Catalog.TryGetDataItem("ENF-DEPOSITS", out var deposits));
        Assert.Equal(Sensitivity.L4, deposits.Sensitivity);
        Assert.True(Catalog.TryGetAssetKind("TAX", out var tax));
        Assert.Equal("税务", tax.NameZh);
        Assert.Equal(["ENF-DEPOSITS"], Catalog.DataItemsOf("DEPOSIT"));
        Assert.False(Catalog.TryGetUnit("BANK-SXRCB", out _));
        Assert.False(Catalog.TryGetDataItem("enf-deposits", out _));
    }
}
