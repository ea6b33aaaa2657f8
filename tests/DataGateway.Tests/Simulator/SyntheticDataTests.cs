using System.Text.RegularExpressions;
using DataGateway.Contracts.V1;

namespace DataGateway.Tests.Simulator;

/// <summary>What the simulated units answer: deterministic, realistic, and true to the personas' stories.</summary>
public sealed partial class SyntheticDataTests
{
    private static readonly string[] AssetUnits =
        ["realestate-registry", "land-resources", "vehicle-admin", "bank-sxrcb", "bank-icbc", "bank-ccb", "provident-fund",
         "hr-social-security", "securities-csdc", "market-regulation", "tax-bureau", "environment-bureau"];

    private static readonly string[] RealEstateFlags = ["MORTGAGED", "SEALED", "OBJECTION", "LOCKED"];

    [Fact]
    public async Task AnswerQuery_SameSubjectAndUnitAskedTwiceAndOnAnotherHost_IdenticalAnswers()
    {
        await using var first = await RunningSimulator.StartAsync();
        await using var second = await RunningSimulator.StartAsync();
        var subjects = TestIdentifiers.People(6).Append(RunningSimulator.Personas.WithTag("debtor").Identifier);
        var nonEmpty = 0;

        foreach (var subject in subjects)
        {
            foreach (var unitId in AssetUnits)
            {
                var answer = await first.AskAsync(unitId, subject);
                Assert.Equal(answer, await first.AskAsync(unitId, subject));
                Assert.Equal(answer, await second.AskAsync(unitId, subject));
                nonEmpty += answer.Assets.Count > 0 ? 1 : 0;
            }
        }

        Assert.True(nonEmpty >= 10, $"only {nonEmpty} non-empty answers: the comparison proved little");
    }

    [Fact]
    public async Task AnswerQuery_DifferentSubjects_DifferentAssets()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        var references = new List<string>();
        var holders = 0;

        foreach (var subject in TestIdentifiers.People(12))
        {
            var assets = new List<string>();
            foreach (var unitId in AssetUnits)
            {
                assets.AddRange((await simulator.AskAsync(unitId, subject)).Assets.Select(a => a.Reference));
            }

            holders += assets.Count > 0 ? 1 : 0;
            references.AddRange(assets);
        }

        Assert.True(holders >= 6, $"only {holders} of 12 subjects hold anything at {AssetUnits.Length} units");
        Assert.Equal(references.Count, references.Distinct().Count());
    }

    [Fact]
    public async Task AnswerQuery_OneAssetKindAsked_SameAssetsAsInTheFullAnswer()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        var debtor = RunningSimulator.Personas.WithTag("debtor").Identifier;
        var checkedBanks = 0;

        foreach (var bank in RunningSimulator.Catalog.Units.Where(u => u.Id.StartsWith("bank-", StringComparison.Ordinal)))
        {
            var full = await simulator.AskAsync(bank.Id, debtor);
            var depositsOnly = await simulator.AskAsync(bank.Id, debtor, "DEPOSIT");

            Assert.Equal(full.Assets.Where(a => a.AssetKind == "DEPOSIT"), depositsOnly.Assets);
            Assert.All(depositsOnly.Assets, a => Assert.Equal("ENF-DEPOSITS", a.DataItem));
            checkedBanks += depositsOnly.Assets.Count > 0 ? 1 : 0;
        }

        Assert.InRange(checkedBanks, 2, 3);
    }

    [Fact]
    public async Task AnswerQuery_AssetKindTheUnitDoesNotServe_EmptyAnswer()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        var debtor = RunningSimulator.Personas.WithTag("debtor").Identifier;

        var answer = await simulator.AskAsync("realestate-registry", debtor, "VEHICLE");

        Assert.Equal("realestate-registry", answer.UnitId);
        Assert.Empty(answer.Assets);
        Assert.NotEmpty((await simulator.AskAsync("realestate-registry", debtor, "REAL_ESTATE")).Assets);
    }

    [Fact]
    public async Task AnswerQuery_DebtorPersona_HoldsAssetsAtFiveOrMoreUnitKinds()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        var debtor = RunningSimulator.Personas.WithTag("debtor");

        var answers = await simulator.AskEveryUnitAsync(debtor.Identifier);

        var kindsHolding = answers.Where(a => a.Value.Assets.Count > 0)
            .Select(a => RunningSimulator.Catalog.Units.Single(u => u.Id == a.Key).Kind)
            .Distinct()
            .ToList();
        Assert.True(kindsHolding.Count >= 5, $"assets at {kindsHolding.Count} unit kinds: {string.Join(", ", kindsHolding)}");
        var assetKinds = answers.Values.SelectMany(a => a.Assets).Select(a => a.AssetKind).ToHashSet();
        Assert.Superset(
            new HashSet<string> { "REAL_ESTATE", "VEHICLE", "DEPOSIT", "PROVIDENT_FUND", "SOCIAL_INSURANCE", "SECURITIES", "BUSINESS_EQUITY" },
            assetKinds);
        var banksWithDeposits = answers.Count(a => a.Value.Assets.Any(x => x.AssetKind == "DEPOSIT"));
        Assert.InRange(banksWithDeposits, 2, 3);
    }

    [Fact]
    public async Task AnswerQuery_CompanyPersona_HoldsTaxArrearsAndAnEnvironmentalPenalty()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        var company = RunningSimulator.Personas.WithTag("company");

        var answers = await simulator.AskEveryUnitAsync(company.Identifier);

        var assets = answers.Values.SelectMany(a => a.Assets).ToList();
        Assert.Contains(assets, a => a.AssetKind == "TAX" && a.Attributes["direction"] == "ARREARS");
        Assert.Contains(assets, a => a.AssetKind == "ENVIRONMENTAL_PENALTY");
        Assert.Contains(assets, a => a.AssetKind == "REAL_ESTATE");
        Assert.Contains(assets, a => a.AssetKind == "DEPOSIT");
        Assert.Contains(assets, a => a.AssetKind == "BUSINESS_EQUITY");
        Assert.DoesNotContain(assets, a => a.AssetKind is "PROVIDENT_FUND" or "SOCIAL_INSURANCE");
    }

    [Fact]
    public async Task AnswerQuery_NoAssetsPersona_EveryUnitAnswersOkAndEmpty()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        var nobody = RunningSimulator.Personas.WithTag("no-assets");

        var answers = await simulator.AskEveryUnitAsync(nobody.Identifier);

        Assert.Equal(RunningSimulator.Catalog.Units.Count, answers.Count);
        Assert.All(answers, a =>
        {
            Assert.Equal(a.Key, a.Value.UnitId);
            Assert.Empty(a.Value.Assets);
        });
    }

    [Fact]
    public async Task AnswerQuery_LowerCaseCheckCharacter_AnswersAsForUpperCase()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        var subject = Enumerable.Range(100, 400)
            .Select(seq => TestIdentifiers.Person(new DateOnly(1982, 6, 1), seq))
            .First(id => id.EndsWith('X'));
        var nonEmpty = 0;

        foreach (var unit in RunningSimulator.Catalog.Units.Where(u => u.DataItems.Count > 0))
        {
            var upper = await simulator.AskAsync(unit.Id, subject);
            Assert.Equal(upper, await simulator.AskAsync(unit.Id, subject.ToLowerInvariant()));
            nonEmpty += upper.Assets.Count > 0 ? 1 : 0;
        }

        Assert.True(nonEmpty > 0, "the subject holds nothing anywhere: the comparison proved little");
    }

    [Fact]
    public async Task AnswerQuery_ManySubjects_AssetsHaveRealisticShapes()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        var subjects = TestIdentifiers.People(40)
            .Concat(RunningSimulator.Personas.All.Select(p => p.Identifier))
            .Append("91330604MA2BC7L17G");
        var assets = new List<Asset>();
        foreach (var subject in subjects)
        {
            foreach (var unitId in AssetUnits)
            {
                assets.AddRange((await simulator.AskAsync(unitId, subject)).Assets);
            }
        }

        var itemByKind = RunningSimulator.Catalog.DataItems.Where(i => i.AssetKind is not null).ToDictionary(i => i.AssetKind!, i => i.Code);
        Assert.All(assets, a => Assert.Equal(itemByKind[a.AssetKind], a.DataItem));
        Assert.All(assets.Where(a => a.AmountYuan.Length > 0), a => Assert.Matches(AmountPattern(), a.AmountYuan));

        var realEstate = assets.Where(a => a.AssetKind == "REAL_ESTATE").ToList();
        Assert.NotEmpty(realEstate);
        Assert.All(realEstate, a =>
        {
            Assert.Matches(CertificatePattern(), a.Reference);
            Assert.Equal(28, a.Attributes["unitNumber"].Length);
            Assert.Matches(UnitNumberPattern(), a.Attributes["unitNumber"]);
            Assert.StartsWith("上虞区", a.Description, StringComparison.Ordinal);
            Assert.Matches(AmountPattern(), a.Attributes["areaM2"]);
            Assert.All(a.Flags, f => Assert.Contains(f, RealEstateFlags));
        });
        Assert.Contains(realEstate, a => a.Flags.Contains("MORTGAGED"));
        Assert.Contains(realEstate, a => a.Flags.Count == 0);

        var vehicles = assets.Where(a => a.AssetKind == "VEHICLE").ToList();
        Assert.NotEmpty(vehicles);
        Assert.All(vehicles, v => Assert.Matches(PlatePattern(), v.Reference));
        Assert.All(vehicles, v => Assert.False(string.IsNullOrEmpty(v.Attributes["model"])));

        var deposits = assets.Where(a => a.AssetKind == "DEPOSIT").ToList();
        Assert.NotEmpty(deposits);
        Assert.All(deposits, d =>
        {
            Assert.Matches(AccountPattern(), d.Reference);
            Assert.Matches(AmountPattern(), d.AmountYuan);
        });

        var equity = assets.Where(a => a.AssetKind == "BUSINESS_EQUITY").ToList();
        Assert.NotEmpty(equity);
        Assert.All(equity, e =>
        {
            Assert.True(TestIdentifiers.IsValidCreditCode(e.Reference), $"{e.Reference} has a wrong check character");
            Assert.Matches(AmountPattern(), e.AmountYuan);
            Assert.Matches(AmountPattern(), e.Attributes["sharePercent"]);
        });

        foreach (var kind in new[] { "PROVIDENT_FUND", "SOCIAL_INSURANCE", "SECURITIES", "WEALTH_PRODUCT", "TAX", "ENVIRONMENTAL_PENALTY" })
        {
            Assert.Contains(assets, a => a.AssetKind == kind);
            Assert.All(assets.Where(a => a.AssetKind == kind), a => Assert.Matches(AmountPattern(), a.AmountYuan));
        }
    }

    [GeneratedRegex(@"^\d+\.\d{2}$")]
    private static partial Regex AmountPattern();

    [GeneratedRegex(@"^浙\((20\d{2})\)绍兴市上虞区不动产权第\d{7}号$")]
    private static partial Regex CertificatePattern();

    // county 330604, cadastral district 3, sub-district 3, parcel type G/J/Z + letter, parcel 5, fixture F/L/Q/W, fixture 8.
    [GeneratedRegex(@"^330604\d{3}\d{3}[GJZ][A-Z]\d{5}[FLQW]\d{8}$")]
    private static partial Regex UnitNumberPattern();

    // GA 36-2018: ordinary 5 characters without I and O; small new-energy a D/A/B/C/E/F/G/H/J/K letter and 5 digits.
    [GeneratedRegex(@"^浙D·([0-9A-HJ-NP-Z]{5}|[ABCDEFGHJK]\d{5})$")]
    private static partial Regex PlatePattern();

    [GeneratedRegex(@"^\d{12,21}$")]
    private static partial Regex AccountPattern();
}
