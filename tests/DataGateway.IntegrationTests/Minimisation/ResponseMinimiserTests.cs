using System.Security.Claims;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Identity;
using DataGateway.Features.Minimisation;
using DataGateway.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Options;

namespace DataGateway.IntegrationTests.Minimisation;

public sealed class ResponseMinimiserTests
{
    private static readonly ResponseMinimiser Minimiser = new(GatewayTestHost.Catalog, Options.Create(new MinimisationOptions()));

    private static ClaimsPrincipal User(params string[] roles) =>
        new(new ClaimsIdentity(roles.Select(r => new Claim(GatewayClaimTypes.Roles, r)), "test", GatewayClaimTypes.Name, GatewayClaimTypes.Roles));

    private static Asset Deposit() => new()
    {
        AssetKind = "DEPOSIT",
        DataItem = "ENF-DEPOSITS",
        Reference = "6217856100012345678",
        AmountYuan = "120000.00",
        Attributes = { ["branch"] = "百官支行" },
    };

    private static Asset Flat() => new()
    {
        AssetKind = "REAL_ESTATE",
        DataItem = "ENF-RE-UNITS",
        Reference = "浙(2021)绍兴市上虞区不动产权第0012345号",
        Attributes = { ["unitNumber"] = "330604006017GB45984F68129756" },
    };

    private static Asset TaxArrears() => new() { AssetKind = "TAX", DataItem = "ENF-TAX", Reference = "绍上税通〔2023〕8208号", AmountYuan = "1736351.66" };

    private static QueryAssetsResponse Answer(params Asset[][] unitAssets)
    {
        var response = new QueryAssetsResponse();
        for (var i = 0; i < unitAssets.Length; i++)
        {
            response.Units.Add(new UnitAnswer { UnitId = $"unit-{i}", Status = unitAssets[i].Length > 0 ? UnitStatus.Ok : UnitStatus.NotFound, Assets = { unitAssets[i] } });
        }

        return response;
    }

    [Fact]
    public void Judge_SeesEveryEnforcementItemInFull()
    {
        var response = Answer([Deposit(), Flat()], [TaxArrears()]);
        var before = response.Clone();

        Minimiser.Apply(response, User(Roles.Judge));

        Assert.Equal(before, response);
    }

    [Fact]
    public void Notary_SeesL4DepositsMasked_AndL3RealEstateInFull()
    {
        var response = Answer([Deposit(), Flat()]);

        Minimiser.Apply(response, User(Roles.Notary));

        var assets = response.Units[0].Assets;
        Assert.Equal("6217***********5678", assets[0].Reference);
        Assert.Equal("120000.00", assets[0].AmountYuan);
        Assert.Equal(Flat(), assets[1]);
    }

    [Fact]
    public void Notary_DoesNotSeeItemsOutsideTheirRole_AndAUnitLeftEmptyIsDenied()
    {
        var response = Answer([Flat(), TaxArrears()], [TaxArrears()], []);

        Minimiser.Apply(response, User(Roles.Notary));

        Assert.Equal([Flat()], response.Units[0].Assets);
        Assert.Equal(UnitStatus.Ok, response.Units[0].Status);
        Assert.Empty(response.Units[1].Assets);
        Assert.Equal(UnitStatus.Denied, response.Units[1].Status);
        Assert.Equal("your role may not see ENF-TAX", response.Units[1].Detail);
        Assert.Equal(UnitStatus.NotFound, response.Units[2].Status);
    }

    [Theory]
    [InlineData(Roles.AgencyAdmin)]
    [InlineData(Roles.Auditor)]
    [InlineData(Roles.Unit)]
    public void RolesWithoutItems_SeeNoAssets(string role)
    {
        var response = Answer([Deposit()], [Flat()]);

        Minimiser.Apply(response, User(role));

        Assert.All(response.Units, u => Assert.Equal((UnitStatus.Denied, 0), (u.Status, u.Assets.Count)));
    }

    [Fact]
    public void Masking_ReplacesAssets_NeverChangesTheOnesItWasGiven()
    {
        var shared = Deposit();
        var response = Answer([shared]);

        Minimiser.Apply(response, User(Roles.Notary));

        Assert.Equal(Deposit(), shared);
        Assert.NotSame(shared, response.Units[0].Assets[0]);
    }

    [Fact]
    public void MostGenerousRole_Wins()
    {
        var response = Answer([Deposit()]);

        Minimiser.Apply(response, User(Roles.Notary, Roles.Judge));

        Assert.Equal(Deposit(), response.Units[0].Assets[0]);
    }

    [Fact]
    public void MessagesWithoutAssets_AreLeftAlone()
    {
        var units = new ListUnitsResponse { Units = { new Unit { UnitId = "bank-icbc", Name = "中国工商银行上虞支行" } }, TotalSize = 1 };
        var before = units.Clone();

        Minimiser.Apply(units, User(Roles.AgencyAdmin));

        Assert.Equal(before, units);
    }
}
