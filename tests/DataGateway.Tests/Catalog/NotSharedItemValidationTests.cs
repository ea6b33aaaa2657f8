using DataGateway.Domain.Catalog;

namespace DataGateway.Tests.Catalog;

/// <summary>A not-shared item is documented in the catalog but given to no one: it must have no roles, and only it may.</summary>
public sealed class NotSharedItemValidationTests : IDisposable
{
    private const string WillContentItem = """
        { "code": "EST-WILL-CONTENT", "nameZh": "遗嘱内容", "nameEn": "Content of a will",
          "ownerUnitKind": "RealEstateRegistry", "sensitivity": "L4",
          "sharingClass": "NotShared", "roles": [], "cacheSeconds": 0 }
        """;

    private const string RegistryWithWill = """
        { "id": "realestate-registry", "name": "上虞区不动产登记服务中心", "kind": "RealEstateRegistry",
          "dataItems": ["ENF-RE-UNITS", "EST-WILL-CONTENT"], "actions": ["SEAL", "RELEASE_SEAL"] }
        """;

    private readonly CatalogFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Load_NotSharedItemWithoutRoles_LoadsAndNoRoleMaySeeIt()
    {
        folder.WithDataItems(CatalogFolder.RealEstateItem, CatalogFolder.DepositItem, WillContentItem)
            .WithUnits(RegistryWithWill, CatalogFolder.IcbcUnit, CatalogFolder.AbcUnit, CatalogFolder.CourtUnit);

        var catalog = UnitCatalog.Load(folder.Path);

        Assert.True(catalog.TryGetDataItem("EST-WILL-CONTENT", out var item));
        Assert.Equal(SharingClass.NotShared, item.SharingClass);
        Assert.Empty(item.Roles);
    }

    [Fact]
    public void Load_NotSharedItemWithRoles_NamesItemAndRoles()
    {
        folder.WithDataItems(CatalogFolder.RealEstateItem, CatalogFolder.DepositItem, WillContentItem.Replace("\"roles\": []", "\"roles\": [\"judge\", \"notary\"]", StringComparison.Ordinal))
            .WithUnits(RegistryWithWill, CatalogFolder.IcbcUnit, CatalogFolder.AbcUnit, CatalogFolder.CourtUnit);

        var problems = Assert.Throws<CatalogException>(() => UnitCatalog.Load(folder.Path)).Problems;

        Assert.Equal(
            "data-items.json: data item 'EST-WILL-CONTENT' (dataItems[2]): sharingClass is NotShared, so roles must be empty (it lists judge, notary).",
            Assert.Single(problems));
    }

    [Fact]
    public void Load_SharedItemWithoutRoles_StillRefused()
    {
        folder.WithDataItems(CatalogFolder.RealEstateItem, CatalogFolder.DepositItem, WillContentItem.Replace("NotShared", "Restricted", StringComparison.Ordinal))
            .WithUnits(RegistryWithWill, CatalogFolder.IcbcUnit, CatalogFolder.AbcUnit, CatalogFolder.CourtUnit);

        var problems = Assert.Throws<CatalogException>(() => UnitCatalog.Load(folder.Path)).Problems;

        Assert.Equal("data-items.json: data item 'EST-WILL-CONTENT' (dataItems[2]): roles is empty, so no one may see this item.", Assert.Single(problems));
    }
}
