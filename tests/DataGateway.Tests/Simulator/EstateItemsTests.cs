using System.Globalization;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Catalog;
using DataGateway.Simulator;

namespace DataGateway.Tests.Simulator;

/// <summary>What the simulated units answer for the estate items: the deceased persona's story, consistent everywhere.</summary>
public sealed class EstateItemsTests
{
    private const string NotarialFile = "(2025)浙绍上证民字第1234号";

    private static Persona Deceased => RunningSimulator.Personas.WithTag("deceased");

    private static AnswerQueryRequest ItemRequest(string unitId, string identifier, params string[] items)
    {
        var request = RunningSimulator.Request(unitId, identifier);
        request.Purpose = new Purpose { NotarialFileNumber = NotarialFile };
        request.DataItems.Add(items);
        return request;
    }

    private static async Task<List<Asset>> AskItemsAsync(RunningSimulator simulator, string unitId, string identifier, params string[] items) =>
        [.. (await simulator.Client.AnswerQueryAsync(ItemRequest(unitId, identifier, items))).Assets];

    private static string[] EstateItemsOf(string unitId)
    {
        Assert.True(RunningSimulator.Catalog.TryGetUnit(unitId, out var unit));
        return [.. unit.DataItems.Where(c => c.StartsWith("EST-", StringComparison.Ordinal))];
    }

    private static DateOnly Date(Asset asset, string attribute) =>
        DateOnly.ParseExact(asset.Attributes[attribute], "yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task AnswerQuery_DeathItemsOfTheDeceasedPersona_AgreeWithItsStory()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        var diedOn = Deceased.DiedOn!.Value;

        var cremation = Assert.Single(await AskItemsAsync(simulator, "funeral-home", Deceased.Identifier, "EST-DEATH-CREMATION"));
        var deregistration = Assert.Single(await AskItemsAsync(simulator, "police-bureau", Deceased.Identifier, "EST-DEATH-HOUSEHOLD-DEREG"));
        var certificates = await AskItemsAsync(simulator, "health-bureau", Deceased.Identifier, "EST-DEATH-MEDICAL-CERT");
        var policeCertificates = await AskItemsAsync(simulator, "police-bureau", Deceased.Identifier, "EST-DEATH-POLICE-CERT");

        Assert.Equal("EST-DEATH-CREMATION", cremation.DataItem);
        Assert.Equal(diedOn, Date(cremation, "diedOn"));
        Assert.InRange(Date(cremation, "crematedOn").DayNumber - diedOn.DayNumber, 2, 4);
        Assert.Equal(diedOn, Date(deregistration, "diedOn"));
        Assert.InRange(Date(deregistration, "deregisteredOn").DayNumber - diedOn.DayNumber, 1, 31);
        // Certified once: by a hospital, or by the police when the death was outside medical care.
        var certificate = Assert.Single(certificates.Concat(policeCertificates));
        Assert.Equal(diedOn, Date(certificate, "diedOn"));
    }

    [Fact]
    public async Task AnswerQuery_DeathItemsOfTheLiving_NoRecordAnywhere()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        var living = TestIdentifiers.People(5).Append(RunningSimulator.Personas.WithTag("debtor").Identifier).Append(RunningSimulator.Personas.WithTag("spouse").Identifier);

        foreach (var subject in living)
        {
            foreach (var unitId in new[] { "health-bureau", "police-bureau", "funeral-home", "funeral-management", "court-shangyu" })
            {
                var deathItems = EstateItemsOf(unitId).Where(c => c.StartsWith("EST-DEATH-", StringComparison.Ordinal)).ToArray();
                Assert.Empty(await AskItemsAsync(simulator, unitId, subject, deathItems));
            }
        }
    }

    [Fact]
    public async Task AnswerQuery_KinshipItemsOfTheDeceasedPersona_AreItsHeirsWithParentsDead()
    {
        await using var simulator = await RunningSimulator.StartAsync();

        var spouse = Assert.Single(await AskItemsAsync(simulator, "marriage-registry", Deceased.Identifier, "EST-KIN-SPOUSE"));
        var children = await AskItemsAsync(simulator, "police-bureau", Deceased.Identifier, "EST-KIN-CHILDREN");
        var parents = await AskItemsAsync(simulator, "police-bureau", Deceased.Identifier, "EST-KIN-PARENTS");
        var marriage = Assert.Single(await AskItemsAsync(simulator, "marriage-registry", Deceased.Identifier, "EST-KIN-MARRIAGE-RECORD"));

        var heirSpouse = Deceased.Heirs.Single(h => h.Relationship == "spouse");
        Assert.Equal((heirSpouse.IdNumber, heirSpouse.Name, "spouse", "ALIVE"), (spouse.Reference, spouse.Description, spouse.Attributes["relationship"], spouse.Attributes["status"]));
        Assert.Equal(heirSpouse.Name, marriage.Attributes["spouseName"]);
        Assert.Equal(
            Deceased.Heirs.Where(h => h.Relationship == "child").Select(h => (h.IdNumber, h.Name)).Order(),
            children.Select(c => (c.Reference, c.Description)).Order());
        Assert.Equal(2, parents.Count);
        Assert.All(parents, p =>
        {
            Assert.Equal("DECEASED", p.Attributes["status"]);
            Assert.True(TestIdentifiers.IsValidResidentId(p.Reference), $"{p.Reference} has a wrong check character");
            Assert.True(Date(p, "diedOn") < Deceased.DiedOn!.Value);
        });
    }

    [Fact]
    public async Task AnswerQuery_EstateItemRestatingAnEnforcementItem_SameHoldingsAsTheJudgeSees()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        var checkedUnits = 0;

        foreach (var (unitId, kind, item) in new[]
        {
            ("realestate-registry", "REAL_ESTATE", "EST-RE-UNITS"), ("vehicle-admin", "VEHICLE", "EST-VEH-MOTOR"),
            ("provident-fund", "PROVIDENT_FUND", "EST-PF-ACCOUNT"), ("securities-csdc", "SECURITIES", "EST-SEC-HOLDINGS"),
        }.Concat(RunningSimulator.Catalog.UnitsOf(UnitKind.Bank).Select(b => (b.Id, "DEPOSIT", "EST-DEP-ACCOUNTS"))))
        {
            var enforcement = (await simulator.AskAsync(unitId, Deceased.Identifier, kind)).Assets;
            var estate = await AskItemsAsync(simulator, unitId, Deceased.Identifier, item);

            Assert.Equal(enforcement.Select(a => (a.Reference, a.AmountYuan, a.Description)), estate.Select(a => (a.Reference, a.AmountYuan, a.Description)));
            Assert.All(estate, a => Assert.Equal(item, a.DataItem));
            checkedUnits += estate.Count > 0 ? 1 : 0;
        }

        // Titles, vehicle, fund, securities and deposits at two banks (the persona's holdings).
        Assert.Equal(6, checkedUnits);
    }

    [Fact]
    public async Task AnswerQuery_PayoutsOfTheDeceasedPersona_RestateTheAccountBalances()
    {
        await using var simulator = await RunningSimulator.StartAsync();

        var pension = Assert.Single(await AskItemsAsync(simulator, "hr-social-security", Deceased.Identifier, "EST-PENSION-PERSONAL-ACCOUNT"));
        var pensionPayout = Assert.Single(await AskItemsAsync(simulator, "social-insurance-centre", Deceased.Identifier, "EST-PENSION-ACCOUNT-PAYOUT"));
        var medical = Assert.Single(await AskItemsAsync(simulator, "medical-insurance-centre", Deceased.Identifier, "EST-MED-PERSONAL-ACCOUNT"));
        var medicalPayout = Assert.Single(await AskItemsAsync(simulator, "medical-insurance-centre", Deceased.Identifier, "EST-MED-ACCOUNT-PAYOUT"));

        Assert.Equal(pension.AmountYuan, pensionPayout.AmountYuan);
        Assert.Equal(medical.AmountYuan, medicalPayout.AmountYuan);
        Assert.NotEmpty(await AskItemsAsync(simulator, "hr-social-security", Deceased.Identifier, "EST-SURV-FUNERAL-GRANT"));
    }

    [Fact]
    public async Task AnswerQuery_OneItemOrAllOfAUnit_SameRecordsOnEveryHost()
    {
        await using var first = await RunningSimulator.StartAsync();
        await using var second = await RunningSimulator.StartAsync();
        var subjects = TestIdentifiers.People(4).Append(Deceased.Identifier);
        var records = 0;

        foreach (var subject in subjects)
        {
            foreach (var unitId in new[] { "bank-sxrcb", "bank-icbc", "police-bureau", "market-regulation", "notary-shangyu", "hr-social-security" })
            {
                var items = EstateItemsOf(unitId);
                var all = await AskItemsAsync(first, unitId, subject, items);
                Assert.Equal(all, await AskItemsAsync(second, unitId, subject, items));
                foreach (var item in items)
                {
                    Assert.Equal(all.Where(a => a.DataItem == item), await AskItemsAsync(first, unitId, subject, item));
                }

                records += all.Count;
            }
        }

        Assert.True(records >= 20, $"only {records} records: the comparison proved little");
    }

    [Fact]
    public async Task AnswerQuery_EveryEstateItemForTheDeceasedPersona_AnswersWithItsOwnCodeAndEightAssetGroups()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        var groups = new HashSet<string>(StringComparer.Ordinal);

        foreach (var unit in RunningSimulator.Catalog.Units.Where(u => EstateItemsOf(u.Id).Length > 0))
        {
            var items = EstateItemsOf(unit.Id);
            var answer = await AskItemsAsync(simulator, unit.Id, Deceased.Identifier, items);

            Assert.All(answer, a => Assert.Contains(a.DataItem, items));
            Assert.All(answer.Where(a => a.AmountYuan.Length > 0), a => Assert.Matches(@"^\d+\.\d{2}$", a.AmountYuan));
            groups.UnionWith(answer.Where(a => a.AmountYuan.Length > 0).Select(a => a.DataItem.Split('-')[1]));
        }

        Assert.True(groups.Count >= 8, $"amounts in only {groups.Count} groups: {string.Join(", ", groups)}");
    }

    [Fact]
    public async Task AnswerQuery_EstateItemsOfAnOrganisation_Empty()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        var company = RunningSimulator.Personas.WithTag("company").Identifier;

        Assert.Empty(await AskItemsAsync(simulator, "market-regulation", company, EstateItemsOf("market-regulation")));
        Assert.Empty(await AskItemsAsync(simulator, "bank-sxrcb", company, EstateItemsOf("bank-sxrcb")));
    }

    [Fact]
    public async Task StartAsync_CatalogWithAnEstateItemNoGeneratorDraws_RefusedNamingIt()
    {
        var shipped = RunningSimulator.Catalog;
        var item = new DataItemDefinition
        {
            Code = "EST-DEP-GOLD-BARS", NameZh = "金条", NameEn = "Gold bars", OwnerUnitKind = UnitKind.Bank,
            Sensitivity = Sensitivity.L4, SharingClass = SharingClass.Restricted, Roles = ["notary"], CacheSeconds = 60,
        };
        var catalog = UnitCatalog.Create(
            shipped.Units.Select(u => u.Id == "bank-icbc" ? u with { DataItems = [.. u.DataItems, item.Code] } : u),
            shipped.DataItems.Append(item),
            shipped.AssetKinds,
            shipped.UnitKinds);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => SimulatorHost.StartAsync(
            new SimulatorOptions { GrpcUrl = "http://127.0.0.1:0", HttpUrl = "http://127.0.0.1:0" }, catalog, RunningSimulator.Personas));

        Assert.Contains("'EST-DEP-GOLD-BARS'", error.Message, StringComparison.Ordinal);
    }
}
