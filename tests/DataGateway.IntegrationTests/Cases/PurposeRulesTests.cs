using DataGateway.Contracts.V1;
using DataGateway.Features.Cases;

namespace DataGateway.IntegrationTests.Cases;

/// <summary>The decision rules alone, without a host: fast, one rule per test.</summary>
public sealed class PurposeRulesTests
{
    private const string Number = "(2024)浙0604执1234号";
    private const string DebtorHash = "debtor-hash";
    private const string ApplicantHash = "applicant-hash";

    private static RegisteredCase Case(CaseState state = CaseState.Open, params string[] officers) => new(
        new CaseRegistration(
            Number,
            "浙0604",
            "执",
            officers.Length == 0 ? ["judge-wang", "judge-zhao"] : officers,
            [
                new RegisteredParty(PartyRole.Debtor, "王建军", IdentifierKind.IdNumber, DebtorHash, "330682********0113"),
                new RegisteredParty(PartyRole.Applicant, "某银行", IdentifierKind.CreditCode, ApplicantHash, "91330604********8A"),
            ],
            state,
            new DateOnly(2024, 3, 18)),
        DateTimeOffset.UnixEpoch);

    private static CaseCaller Wang(string? court = "浙0604") => new("judge-wang", court);

    [Fact]
    public void Decide_AssignedOfficerOpenCaseParty_IsAllowed()
    {
        var decision = PurposeRules.Decide(Case(), Number, Wang(), DebtorHash);

        Assert.True(decision.Allowed);
        Assert.Null(decision.Reason);
    }

    [Fact]
    public void Decide_SecondOfficerOfTheCase_IsAllowed()
    {
        Assert.True(PurposeRules.Decide(Case(), Number, new CaseCaller("judge-zhao", "浙0604"), DebtorHash).Allowed);
    }

    [Fact]
    public void Decide_TokenWithoutCourtClaim_IsDecidedByTheOfficerListAlone()
    {
        Assert.True(PurposeRules.Decide(Case(), Number, Wang(court: null), DebtorHash).Allowed);
    }

    [Fact]
    public void Decide_UnknownCase_IsDeniedAsNotInTheRegistry()
    {
        var decision = PurposeRules.Decide(null, Number, Wang(), DebtorHash);

        Assert.False(decision.Allowed);
        Assert.Equal($"no such case in the case registry: {Number}", decision.Reason);
    }

    [Fact]
    public void Decide_OfficerNotAssigned_IsDeniedAsNotYours()
    {
        var decision = PurposeRules.Decide(Case(), Number, new CaseCaller("judge-li", "浙0604"), DebtorHash);

        Assert.False(decision.Allowed);
        Assert.Equal($"case {Number} is not assigned to you", decision.Reason);
    }

    [Fact]
    public void Decide_OfficerIdDiffersOnlyInCase_IsDenied()
    {
        Assert.False(PurposeRules.Decide(Case(), Number, new CaseCaller("Judge-Wang", "浙0604"), DebtorHash).Allowed);
    }

    [Fact]
    public void Decide_TokenWithoutSubject_IsDenied()
    {
        var decision = PurposeRules.Decide(Case(), Number, new CaseCaller(null, "浙0604"), DebtorHash);

        Assert.False(decision.Allowed);
        Assert.Contains("sub", decision.Reason);
    }

    [Fact]
    public void Decide_CourtClaimOfAnotherCourt_IsDenied()
    {
        var decision = PurposeRules.Decide(Case(), Number, Wang(court: "浙0602"), DebtorHash);

        Assert.False(decision.Allowed);
        Assert.Equal($"case {Number} belongs to court 浙0604, not to your court 浙0602", decision.Reason);
    }

    [Fact]
    public void Decide_ClosedCase_IsDenied()
    {
        var decision = PurposeRules.Decide(Case(CaseState.Closed), Number, Wang(), DebtorHash);

        Assert.False(decision.Allowed);
        Assert.Equal($"case {Number} is closed", decision.Reason);
    }

    [Fact]
    public void Decide_SubjectNotAParty_IsDenied()
    {
        var decision = PurposeRules.Decide(Case(), Number, Wang(), "someone-else");

        Assert.False(decision.Allowed);
        Assert.Equal($"the subject is not a judgment debtor in case {Number}", decision.Reason);
    }

    [Fact]
    public void Decide_ApplicantOfTheCase_IsNotADebtor_AndIsRefused()
    {
        var decision = PurposeRules.Decide(Case(), Number, Wang(), ApplicantHash);

        Assert.False(decision.Allowed);
        Assert.Equal($"the subject is not a judgment debtor in case {Number}", decision.Reason);
    }

    [Fact]
    public void Decide_OtherJudgeOnAClosedCase_LearnsOnlyThatItIsNotTheirs()
    {
        // Telling a stranger "closed" or "not a party" would reveal facts about someone else's case.
        var decision = PurposeRules.Decide(Case(CaseState.Closed), Number, new CaseCaller("judge-li", null), "someone-else");

        Assert.Equal($"case {Number} is not assigned to you", decision.Reason);
    }

    [Fact]
    public void CanSee_AssignedOfficer_IsAllowedWhateverTheState()
    {
        Assert.True(PurposeRules.CanSee(Case(CaseState.Closed), Wang()).Allowed);
        Assert.False(PurposeRules.CanSee(Case(), new CaseCaller("judge-li", null)).Allowed);
    }
}
