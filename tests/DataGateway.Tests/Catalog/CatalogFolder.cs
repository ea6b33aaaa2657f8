namespace DataGateway.Tests.Catalog;

/// <summary>
/// A temporary folder holding a small, valid catalog: two asset kinds, two data items, four units. Tests
/// replace or remove one file to produce exactly the problem they are about.
/// </summary>
internal sealed class CatalogFolder : IDisposable
{
    public const string RegistryUnit = """
        { "id": "realestate-registry", "name": "上虞区不动产登记服务中心", "kind": "RealEstateRegistry",
          "dataItems": ["ENF-RE-UNITS"], "actions": ["SEAL", "RELEASE_SEAL"] }
        """;

    public const string IcbcUnit = """
        { "id": "bank-icbc", "name": "中国工商银行上虞支行", "kind": "Bank",
          "dataItems": ["ENF-DEPOSITS"], "actions": ["FREEZE", "UNFREEZE"], "timeoutMs": 5000 }
        """;

    public const string AbcUnit = """
        { "id": "bank-abc", "name": "中国农业银行上虞支行", "kind": "Bank",
          "dataItems": ["ENF-DEPOSITS"], "actions": ["FREEZE"] }
        """;

    public const string CourtUnit = """
        { "id": "shared-court-0001", "name": "百官街道龙山社区共享法庭", "kind": "SharedCourt", "town": "百官街道",
          "dataItems": [], "actions": ["SERVE_DOCUMENT", "LOCATE_PERSON"] }
        """;

    public const string RealEstateItem = """
        { "code": "ENF-RE-UNITS", "nameZh": "名下不动产登记信息", "nameEn": "Real-estate units held",
          "ownerUnitKind": "RealEstateRegistry", "assetKind": "REAL_ESTATE", "sensitivity": "L3",
          "sharingClass": "Restricted", "roles": ["judge", "notary"], "cacheSeconds": 600 }
        """;

    public const string DepositItem = """
        { "code": "ENF-DEPOSITS", "nameZh": "存款账户及余额", "nameEn": "Deposit accounts and balances",
          "ownerUnitKind": "Bank", "assetKind": "DEPOSIT", "sensitivity": "L4",
          "sharingClass": "Restricted", "roles": ["judge"], "cacheSeconds": 60 }
        """;

    public const string RealEstateKind = """{ "code": "REAL_ESTATE", "nameZh": "不动产", "nameEn": "Real estate" }""";

    public const string DepositKind = """{ "code": "DEPOSIT", "nameZh": "存款", "nameEn": "Deposits" }""";

    public const string RegistryKind = """{ "kind": "RealEstateRegistry", "nameZh": "不动产登记", "nameEn": "Real-estate registry", "timeoutMs": 1500 }""";

    public const string BankKind = """{ "kind": "Bank", "nameZh": "银行", "nameEn": "Bank", "timeoutMs": 3000 }""";

    public const string CourtKind = """{ "kind": "SharedCourt", "nameZh": "共享法庭", "nameEn": "Shared court", "timeoutMs": 2000 }""";

    public CatalogFolder()
    {
        Path = Directory.CreateTempSubdirectory("dgw-catalog-").FullName;
        WithUnits(RegistryUnit, IcbcUnit, AbcUnit, CourtUnit);
        WithDataItems(RealEstateItem, DepositItem);
        WithAssetKinds(RealEstateKind, DepositKind);
        WithUnitKinds(RegistryKind, BankKind, CourtKind);
    }

    public string Path { get; }

    public CatalogFolder WithUnits(params string[] units) => With("units.json", Root("units", units));

    public CatalogFolder WithDataItems(params string[] items) => With("data-items.json", Root("dataItems", items));

    public CatalogFolder WithAssetKinds(params string[] kinds) => With("asset-kinds.json", Root("assetKinds", kinds));

    public CatalogFolder WithUnitKinds(params string[] kinds) => With("unit-kinds.json", Root("unitKinds", kinds));

    public CatalogFolder With(string fileName, string text)
    {
        File.WriteAllText(System.IO.Path.Combine(Path, fileName), text);
        return this;
    }

    public CatalogFolder Without(string fileName)
    {
        File.Delete(System.IO.Path.Combine(Path, fileName));
        return this;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);

    private static string Root(string property, string[] entries) =>
        $"{{\n  \"{property}\": [\n{string.Join(",\n", entries)}\n  ]\n}}\n";
}
