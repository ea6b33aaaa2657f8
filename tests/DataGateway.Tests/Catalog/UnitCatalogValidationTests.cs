using DataGateway.Domain.Catalog;

namespace DataGateway.Tests.Catalog;

public sealed class UnitCatalogValidationTests : IDisposable
{
    private readonly CatalogFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Load_SmallValidCatalog_Loads()
    {
        var catalog = UnitCatalog.Load(folder.Path);

        Assert.Equal(["realestate-registry", "bank-icbc", "bank-abc", "shared-court-0001"], catalog.Units.Select(u => u.Id));
        Assert.Equal("百官街道", catalog.Units[3].Town);
        Assert.Equal(Sensitivity.L4, catalog.DataItems[1].Sensitivity);
    }

    [Fact]
    public void Load_DuplicateUnitId_NamesTheIdAndBothPositions()
    {
        folder.WithUnits(CatalogFolder.RegistryUnit, CatalogFolder.IcbcUnit, CatalogFolder.IcbcUnit.Replace("中国工商银行", "另一家银行", StringComparison.Ordinal));

        var problem = SingleProblem();

        Assert.Equal("units.json: unit 'bank-icbc' (units[2]): duplicate unit id, first used at units[1].", problem);
    }

    [Fact]
    public void Load_UnknownUnitKind_NamesUnitAndValue()
    {
        folder.WithUnits(CatalogFolder.RegistryUnit, CatalogFolder.IcbcUnit.Replace("\"Bank\"", "\"Bankk\"", StringComparison.Ordinal), CatalogFolder.AbcUnit);

        var problem = SingleProblem();

        Assert.StartsWith("units.json: unit 'bank-icbc' (units[1]): kind 'Bankk' is not a unit kind (expected one of: LandResources, ", problem);
    }

    [Fact]
    public void Load_UnknownSensitivity_NamesItemAndValue()
    {
        folder.WithDataItems(CatalogFolder.RealEstateItem, CatalogFolder.DepositItem.Replace("\"L4\"", "\"L5\"", StringComparison.Ordinal));

        var problem = SingleProblem();

        Assert.StartsWith("data-items.json: data item 'ENF-DEPOSITS' (dataItems[1]): sensitivity 'L5' is not a sensitivity level", problem);
    }

    [Fact]
    public void Load_UnitKindMissingFromUnitKinds_NamesUnit()
    {
        folder.WithUnitKinds(CatalogFolder.RegistryKind, CatalogFolder.BankKind);

        var problem = SingleProblem();

        Assert.Equal("units.json: unit 'shared-court-0001' (units[3]): kind 'SharedCourt' has no entry in unit-kinds.json.", problem);
    }

    [Fact]
    public void Load_UnitListsUnknownDataItem_NamesUnitAndItem()
    {
        folder.WithUnits(CatalogFolder.RegistryUnit, CatalogFolder.IcbcUnit.Replace("[\"ENF-DEPOSITS\"]", "[\"ENF-DEPOSITS\", \"ENF-GOLD\"]", StringComparison.Ordinal));

        var problem = SingleProblem();

        Assert.Equal("units.json: unit 'bank-icbc' (units[1]): data item 'ENF-GOLD' is not in data-items.json.", problem);
    }

    [Fact]
    public void Load_DataItemWithUnknownAssetKind_NamesItemAndAssetKind()
    {
        folder.WithDataItems(CatalogFolder.RealEstateItem, CatalogFolder.DepositItem.Replace("\"DEPOSIT\"", "\"DEPOSITS\"", StringComparison.Ordinal));

        var problems = Problems();

        // DEPOSIT is then answered by no item: the second problem is real, not noise.
        Assert.Equal(
            [
                "data-items.json: data item 'ENF-DEPOSITS' (dataItems[1]): asset kind 'DEPOSITS' is not in asset-kinds.json.",
                "asset-kinds.json: asset kind 'DEPOSIT' (assetKinds[1]): no data item in data-items.json answers it.",
            ],
            problems);
    }

    [Fact]
    public void Load_DataItemNoUnitServes_NamesItem()
    {
        var wealth = CatalogFolder.DepositItem.Replace("ENF-DEPOSITS", "ENF-WEALTH", StringComparison.Ordinal);
        folder.WithDataItems(CatalogFolder.RealEstateItem, CatalogFolder.DepositItem, wealth);

        var problem = SingleProblem();

        Assert.Equal("data-items.json: data item 'ENF-WEALTH' (dataItems[2]): no unit in units.json answers it.", problem);
    }

    [Fact]
    public void Load_AssetKindNoDataItemAnswers_NamesAssetKind()
    {
        folder.WithAssetKinds(CatalogFolder.RealEstateKind, CatalogFolder.DepositKind, """{ "code": "VEHICLE", "nameZh": "车辆", "nameEn": "Vehicles" }""");

        var problem = SingleProblem();

        Assert.Equal("asset-kinds.json: asset kind 'VEHICLE' (assetKinds[2]): no data item in data-items.json answers it.", problem);
    }

    [Fact]
    public void Load_DuplicateDataItemCode_NamesCode()
    {
        folder.WithDataItems(CatalogFolder.RealEstateItem, CatalogFolder.DepositItem, CatalogFolder.DepositItem);

        var problem = SingleProblem();

        Assert.Equal("data-items.json: data item 'ENF-DEPOSITS' (dataItems[2]): duplicate data item code, first defined at dataItems[1].", problem);
    }

    [Fact]
    public void Load_DuplicateAssetKindCode_NamesCode()
    {
        folder.WithAssetKinds(CatalogFolder.RealEstateKind, CatalogFolder.DepositKind, CatalogFolder.RealEstateKind);

        var problem = SingleProblem();

        Assert.Equal("asset-kinds.json: asset kind 'REAL_ESTATE' (assetKinds[2]): duplicate asset kind code, first defined at assetKinds[0].", problem);
    }

    [Fact]
    public void Load_DuplicateUnitKind_NamesKind()
    {
        folder.WithUnitKinds(CatalogFolder.RegistryKind, CatalogFolder.BankKind, CatalogFolder.CourtKind, CatalogFolder.BankKind);

        var problem = SingleProblem();

        Assert.Equal("unit-kinds.json: unit kind 'Bank' (unitKinds[3]): duplicate unit kind, first defined at unitKinds[1].", problem);
    }

    [Theory]
    [InlineData("\"name\": \"\",")]
    [InlineData("\"name\": \"   \",")]
    [InlineData("")]
    public void Load_UnitNameMissingOrEmpty_NamesUnit(string nameProperty)
    {
        folder.WithUnits(CatalogFolder.RegistryUnit, CatalogFolder.IcbcUnit.Replace("\"name\": \"中国工商银行上虞支行\",", nameProperty, StringComparison.Ordinal), CatalogFolder.AbcUnit);

        var problem = SingleProblem();

        Assert.Equal("units.json: unit 'bank-icbc' (units[1]): name is missing or empty.", problem);
    }

    [Fact]
    public void Load_DataItemEnglishNameEmpty_NamesItem()
    {
        folder.WithDataItems(CatalogFolder.RealEstateItem.Replace("\"Real-estate units held\"", "\"\"", StringComparison.Ordinal), CatalogFolder.DepositItem);

        var problem = SingleProblem();

        Assert.Equal("data-items.json: data item 'ENF-RE-UNITS' (dataItems[0]): nameEn is missing or empty.", problem);
    }

    [Theory]
    [InlineData("Bank-ICBC")]
    [InlineData("bank_icbc")]
    [InlineData("bank--icbc")]
    [InlineData("-bank")]
    [InlineData("1bank")]
    [InlineData("bank icbc")]
    public void Load_UnitIdNotLowerKebab_NamesId(string id)
    {
        folder.WithUnits(CatalogFolder.RegistryUnit, CatalogFolder.IcbcUnit.Replace("bank-icbc", id, StringComparison.Ordinal), CatalogFolder.AbcUnit);

        var problem = SingleProblem();

        Assert.StartsWith($"units.json: unit '{id}' (units[1]): id '{id}' is not lower-case kebab", problem);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-100)]
    public void Load_UnitTimeoutNotPositive_NamesUnit(int timeoutMs)
    {
        folder.WithUnits(CatalogFolder.RegistryUnit, CatalogFolder.IcbcUnit.Replace("5000", timeoutMs.ToString(), StringComparison.Ordinal), CatalogFolder.AbcUnit);

        var problem = SingleProblem();

        Assert.StartsWith($"units.json: unit 'bank-icbc' (units[1]): timeoutMs must be positive, was {timeoutMs}", problem);
    }

    [Fact]
    public void Load_UnitKindTimeoutNotPositive_NamesKind()
    {
        folder.WithUnitKinds(CatalogFolder.RegistryKind, CatalogFolder.BankKind.Replace("3000", "0", StringComparison.Ordinal), CatalogFolder.CourtKind);

        var problem = SingleProblem();

        Assert.Equal("unit-kinds.json: unit kind 'Bank' (unitKinds[1]): timeoutMs must be positive, was 0.", problem);
    }

    [Fact]
    public void Load_UnknownAction_NamesUnitAndAction()
    {
        folder.WithUnits(CatalogFolder.RegistryUnit, CatalogFolder.IcbcUnit.Replace("\"UNFREEZE\"", "\"THAW\"", StringComparison.Ordinal), CatalogFolder.AbcUnit);

        var problem = SingleProblem();

        Assert.StartsWith("units.json: unit 'bank-icbc' (units[1]): action 'THAW' is not a control action (expected one of: SEAL, ", problem);
    }

    [Fact]
    public void Load_ActionInWrongCase_IsRefused()
    {
        folder.WithUnits(CatalogFolder.RegistryUnit, CatalogFolder.IcbcUnit.Replace("\"UNFREEZE\"", "\"unfreeze\"", StringComparison.Ordinal), CatalogFolder.AbcUnit);

        var problem = SingleProblem();

        Assert.Contains("action 'unfreeze' is not a control action", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DataItemOnUnitOfAnotherKind_NamesUnitAndItem()
    {
        folder.WithUnits(CatalogFolder.RegistryUnit.Replace("[\"ENF-RE-UNITS\"]", "[\"ENF-RE-UNITS\", \"ENF-DEPOSITS\"]", StringComparison.Ordinal), CatalogFolder.IcbcUnit);

        var problem = SingleProblem();

        Assert.Equal("units.json: unit 'realestate-registry' (units[0]): answers data item 'ENF-DEPOSITS', which is owned by Bank units, but is a RealEstateRegistry unit.", problem);
    }

    [Fact]
    public void Load_DataItemWithoutRoles_NamesItem()
    {
        folder.WithDataItems(CatalogFolder.RealEstateItem, CatalogFolder.DepositItem.Replace("[\"judge\"]", "[]", StringComparison.Ordinal));

        var problem = SingleProblem();

        Assert.Equal("data-items.json: data item 'ENF-DEPOSITS' (dataItems[1]): roles is empty, so no one may see this item.", problem);
    }

    [Fact]
    public void Load_MissingFile_NamesFile()
    {
        folder.Without("unit-kinds.json");

        var problem = SingleProblem();

        Assert.StartsWith("unit-kinds.json: file not found in ", problem);
    }

    [Fact]
    public void Load_MalformedJson_NamesFileAndLine()
    {
        // Line 3 lacks the comma after the id.
        folder.With("asset-kinds.json", """
            {
              "assetKinds": [
                { "code": "REAL_ESTATE" "nameZh": "不动产", "nameEn": "Real estate" },
                { "code": "DEPOSIT", "nameZh": "存款", "nameEn": "Deposits" }
              ]
            }
            """);

        var problem = SingleProblem();

        Assert.StartsWith("asset-kinds.json: malformed JSON at line 3, byte ", problem);
    }

    [Fact]
    public void Load_WrongValueType_NamesFileLineAndPath()
    {
        folder.WithUnits(CatalogFolder.RegistryUnit, CatalogFolder.IcbcUnit.Replace("5000", "\"5 s\"", StringComparison.Ordinal), CatalogFolder.AbcUnit);

        var problem = SingleProblem();

        Assert.StartsWith("units.json: malformed JSON at line ", problem);
        Assert.Contains("($.units[1].timeoutMs)", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MisspeltProperty_IsRefusedRatherThanIgnored()
    {
        folder.WithUnits(CatalogFolder.RegistryUnit, CatalogFolder.IcbcUnit.Replace("\"timeoutMs\"", "\"timeOutMs\"", StringComparison.Ordinal), CatalogFolder.AbcUnit);

        var problem = SingleProblem();

        Assert.StartsWith("units.json: malformed JSON at line 6, ", problem);
        Assert.EndsWith("($.units[1].timeOutMs): unknown property 'timeOutMs'.", problem);
    }

    [Fact]
    public void Load_PropertyGivenTwice_IsRefusedRatherThanLastOneWins()
    {
        folder.WithUnits(CatalogFolder.RegistryUnit, CatalogFolder.IcbcUnit.Replace("\"kind\": \"Bank\",", "\"kind\": \"Bank\", \"kind\": \"Tax\",", StringComparison.Ordinal), CatalogFolder.AbcUnit);

        var problem = SingleProblem();

        Assert.StartsWith("units.json: malformed JSON at line 5, ", problem);
        Assert.Contains("($.units[1].kind)", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FileWithoutItsArray_NamesFileAndProperty()
    {
        folder.With("data-items.json", "{}");

        var problem = SingleProblem();

        Assert.Equal("data-items.json: has no \"dataItems\" array.", problem);
    }

    [Fact]
    public void Load_SeveralProblemsInSeveralFiles_ListsEveryOneUnderASummary()
    {
        folder
            .WithUnits(CatalogFolder.RegistryUnit, CatalogFolder.IcbcUnit.Replace("\"Bank\"", "\"Bankk\"", StringComparison.Ordinal), CatalogFolder.AbcUnit, CatalogFolder.AbcUnit.Replace("上虞支行", "上虞城北支行", StringComparison.Ordinal))
            .WithAssetKinds(CatalogFolder.RealEstateKind, CatalogFolder.DepositKind, CatalogFolder.DepositKind);

        var exception = Assert.Throws<CatalogException>(() => UnitCatalog.Load(folder.Path));

        Assert.Equal(3, exception.Problems.Count);
        var lines = exception.Message.Split('\n');
        Assert.Equal("Catalog is invalid (3 problems):", lines[0]);
        Assert.Contains(lines, line => line.Contains("unit 'bank-icbc' (units[1]): kind 'Bankk'", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("unit 'bank-abc' (units[3]): duplicate unit id", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("asset kind 'DEPOSIT' (assetKinds[2]): duplicate asset kind code", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_OneFileMalformed_StillReportsProblemsInTheOthers()
    {
        folder
            .With("unit-kinds.json", "{ \"unitKinds\": [")
            .WithUnits(CatalogFolder.RegistryUnit, CatalogFolder.IcbcUnit.Replace("\"FREEZE\"", "\"FROZE\"", StringComparison.Ordinal), CatalogFolder.AbcUnit);

        var exception = Assert.Throws<CatalogException>(() => UnitCatalog.Load(folder.Path));

        Assert.Collection(
            exception.Problems,
            p => Assert.StartsWith("unit-kinds.json: malformed JSON", p),
            p => Assert.StartsWith("units.json: unit 'bank-icbc' (units[1]): action 'FROZE'", p));
    }

    [Fact]
    public void Create_ValidDefinitions_BuildsTheSameCatalogAsLoad()
    {
        var loaded = UnitCatalog.Load(folder.Path);

        var created = UnitCatalog.Create(loaded.Units, loaded.DataItems, loaded.AssetKinds, loaded.UnitKinds);

        Assert.Equal(loaded.Units, created.Units);
        Assert.Equal(loaded.UnitsAnswering(["DEPOSIT"]), created.UnitsAnswering(["DEPOSIT"]));
    }

    [Fact]
    public void Create_UndefinedEnumValue_NamesUnit()
    {
        var loaded = UnitCatalog.Load(folder.Path);
        var units = loaded.Units.Select(u => u.Id == "bank-abc" ? u with { Kind = (UnitKind)99 } : u);

        var exception = Assert.Throws<CatalogException>(() => UnitCatalog.Create(units, loaded.DataItems, loaded.AssetKinds, loaded.UnitKinds));

        Assert.Equal("units.json: unit 'bank-abc' (units[2]): kind '99' is not a unit kind.", Assert.Single(exception.Problems));
    }

    [Fact]
    public void Create_DuplicateUnitId_Throws()
    {
        var loaded = UnitCatalog.Load(folder.Path);
        var units = loaded.Units.Append(loaded.Units[0] with { Name = "另一个名称" });

        var exception = Assert.Throws<CatalogException>(() => UnitCatalog.Create(units, loaded.DataItems, loaded.AssetKinds, loaded.UnitKinds));

        Assert.Equal("units.json: unit 'realestate-registry' (units[4]): duplicate unit id, first used at units[0].", Assert.Single(exception.Problems));
    }

    private string SingleProblem() => Assert.Single(Problems());

    private IReadOnlyList<string> Problems() => Assert.Throws<CatalogException>(() => UnitCatalog.Load(folder.Path)).Problems;
}
