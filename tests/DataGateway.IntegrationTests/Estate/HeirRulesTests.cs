using DataGateway.Contracts.V1;
using DataGateway.Features.Estate;
using DataGateway.IntegrationTests.Infrastructure;

namespace DataGateway.IntegrationTests.Estate;

/// <summary>Statutory order of succession as the heir check applies it (no host needed).</summary>
public sealed class HeirRulesTests
{
    private static FoundRelative Relative(string id, EstateRelationship relationship, bool deceased = false) =>
        new(id, relationship, deceased, new Asset { Reference = id, Description = "name-" + id }, "police-bureau");

    [Fact]
    public void Heirs_FirstOrderAlive_SecondOrderListedButDoesNotInherit()
    {
        var heirs = HeirRules.Heirs(
            [Relative("S1", EstateRelationship.Sibling), Relative("C1", EstateRelationship.Child), Relative("P1", EstateRelationship.Parent, deceased: true)],
            applicantId: "S1");

        Assert.Equal(["C1", "P1", "S1"], heirs.Select(h => h.Record.Reference));
        Assert.Equal([true, false, false], heirs.Select(h => h.Inherits));
        Assert.Equal([1, 1, 2], heirs.Select(h => h.Order));
        var decision = HeirRules.Check(heirs, EstateRelationship.Sibling);
        Assert.False(decision.Allowed);
        Assert.Contains("second-order heirs inherit only where no spouse, child or parent is alive", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Heirs_NoFirstOrderAlive_SecondOrderInheritsAndMayApply()
    {
        var heirs = HeirRules.Heirs(
            [Relative("P1", EstateRelationship.Parent, deceased: true), Relative("S1", EstateRelationship.Sibling), Relative("G1", EstateRelationship.Grandparent)],
            applicantId: "S1");

        Assert.Equal([false, true, true], heirs.Select(h => h.Inherits));
        Assert.True(HeirRules.Check(heirs, EstateRelationship.Sibling).Allowed);
    }

    [Fact]
    public void Heirs_SamePersonInTwoRegisters_ListedOnce()
    {
        var heirs = HeirRules.Heirs([Relative("X1", EstateRelationship.Spouse), Relative("X1", EstateRelationship.Spouse)], applicantId: "X1");

        Assert.True(Assert.Single(heirs).Applicant);
    }

    [Theory]
    [InlineData(EstateRelationship.Child, true, null)]
    [InlineData(EstateRelationship.Spouse, false, "the registers record the applicant as child of the deceased, not spouse")]
    public void Check_ClaimedRelationship_MustBeTheRegistered(EstateRelationship claimed, bool allowed, string? reason)
    {
        var heirs = HeirRules.Heirs([Relative("C1", EstateRelationship.Child)], applicantId: "C1");

        Assert.Equal(new HeirDecision(allowed, reason), HeirRules.Check(heirs, claimed));
    }

    [Fact]
    public void Check_ApplicantRecordedAsDead_Refused()
    {
        var heirs = HeirRules.Heirs([Relative("C1", EstateRelationship.Child, deceased: true)], applicantId: "C1");

        Assert.Equal("the registers record the applicant as dead", HeirRules.Check(heirs, EstateRelationship.Child).Reason);
    }

    [Fact]
    public void EstateCatalog_ShippedCatalog_FitsTheEstateRules()
    {
        var estate = new EstateCatalog(GatewayTestHost.Catalog);

        Assert.Empty(estate.Problems);
        Assert.Equal(107, estate.Items.Count);
        Assert.All(EstateCatalog.Categories, c => Assert.Contains(estate.Items, i => i.Category == c));
        Assert.All(estate.Items, i => Assert.NotEmpty(i.Units));
        Assert.Equal(102, estate.GrantedTo(["notary"]).Count);
        Assert.Empty(estate.GrantedTo(["judge"]));
    }
}
