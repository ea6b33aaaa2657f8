using DataGateway.Contracts.V1;
using DataGateway.Domain.Purposes;
using DataGateway.Features.Cases;
using DataGateway.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DataGateway.IntegrationTests.Cases;

/// <summary>CaseRegistry.CheckAsync against the registry the Development seed fills, in a real host.</summary>
public sealed class PurposeCheckTests(CaseHostFixture fixture) : IClassFixture<CaseHostFixture>
{
    private CaseRegistry Registry => fixture.Host.Services.GetRequiredService<CaseRegistry>();

    private static CaseNumber Number(string text) =>
        CaseNumber.TryParse(text, new DateOnly(2026, 12, 31), out var number, out var error) ? number : throw new ArgumentException(error);

    private Task<PurposeDecision> CheckAsync(string? judge, string caseNumber, string subject, string? court = CaseTesting.Court) =>
        Registry.CheckAsync(CaseTesting.Judge(judge, court), Number(caseNumber), subject, TestContext.Deadline);

    [Theory]
    [InlineData(CaseTesting.PersonDebtorId)]
    [InlineData(CaseTesting.CompanyDebtorCode)]
    public async Task Check_AssignedJudgeAndDebtorOfTheCase_IsAllowed(string subject)
    {
        var decision = await CheckAsync("judge-wang", CaseTesting.WangCase, subject);

        Assert.True(decision.Allowed, decision.Reason);
    }

    [Fact]
    public async Task Check_NoAssetsPersonaUnderItsOwnCase_IsAllowed_EvenWithALowerCaseX()
    {
        var decision = await CheckAsync("judge-wang", CaseTesting.WangNoAssetsCase, CaseTesting.NoAssetsId.ToLowerInvariant());

        Assert.True(decision.Allowed, decision.Reason);
    }

    [Fact]
    public async Task Check_AnotherJudgesCase_IsDenied_ButThatJudgeIsAllowed()
    {
        var wang = await CheckAsync("judge-wang", CaseTesting.LiCase, CaseTesting.CompanyDebtorCode);
        var li = await CheckAsync("judge-li", CaseTesting.LiCase, CaseTesting.CompanyDebtorCode);

        Assert.Equal(new PurposeDecision(false, $"case {CaseTesting.LiCase} is not assigned to you"), wang);
        Assert.True(li.Allowed, li.Reason);
    }

    [Fact]
    public async Task Check_SubjectOfAnotherCase_IsDenied_AndTheReasonCarriesNoIdentifier()
    {
        var decision = await CheckAsync("judge-wang", CaseTesting.WangCase, CaseTesting.NoAssetsId);

        Assert.False(decision.Allowed);
        Assert.Equal($"the subject is not a judgment debtor in case {CaseTesting.WangCase}", decision.Reason);
        Assert.DoesNotContain("330604", decision.Reason);
    }

    [Fact]
    public async Task Check_ClosedCase_IsDenied()
    {
        var decision = await CheckAsync("judge-wang", CaseTesting.ClosedCase, CaseTesting.PersonDebtorId);

        Assert.Equal($"case {CaseTesting.ClosedCase} is closed", decision.Reason);
    }

    [Fact]
    public async Task Check_UnknownCase_IsDenied()
    {
        var decision = await CheckAsync("judge-wang", "(2024)浙0604执1235号", CaseTesting.PersonDebtorId);

        Assert.Equal("no such case in the case registry: (2024)浙0604执1235号", decision.Reason);
    }

    [Fact]
    public async Task Check_TokenOfAnotherCourt_IsDenied()
    {
        var decision = await CheckAsync("judge-wang", CaseTesting.WangCase, CaseTesting.PersonDebtorId, court: "浙0602");

        Assert.False(decision.Allowed);
        Assert.Contains("not to your court 浙0602", decision.Reason);
    }

    [Fact]
    public async Task Check_TokenWithoutCourtClaim_IsDecidedByTheOfficers()
    {
        Assert.True((await CheckAsync("judge-wang", CaseTesting.WangCase, CaseTesting.PersonDebtorId, court: null)).Allowed);
    }

    [Fact]
    public async Task Check_TokenWithoutSubject_IsDenied()
    {
        Assert.False((await CheckAsync(null, CaseTesting.WangCase, CaseTesting.PersonDebtorId)).Allowed);
    }

    [Fact]
    public async Task Check_AfterPutCaseClosesOrReassigns_TakesEffectOnTheNextCheck()
    {
        var number = fixture.NewCaseNumber();
        var validator = fixture.Host.Services.GetRequiredService<CaseValidator>();
        var request = CaseTesting.NewCase(number, CaseTesting.PersonDebtorId);
        await Registry.PutAsync(validator.Validate(request), "test", TestContext.Deadline);
        Assert.True((await CheckAsync("judge-wang", number, CaseTesting.PersonDebtorId)).Allowed); // now cached

        request.State = CaseState.Closed;
        await Registry.PutAsync(validator.Validate(request), "test", TestContext.Deadline);
        var closed = await CheckAsync("judge-wang", number, CaseTesting.PersonDebtorId);

        request.State = CaseState.Open;
        request.Officers[0] = "judge-li";
        await Registry.PutAsync(validator.Validate(request), "test", TestContext.Deadline);
        var reassigned = await CheckAsync("judge-wang", number, CaseTesting.PersonDebtorId);

        Assert.Equal($"case {number} is closed", closed.Reason);
        Assert.Equal($"case {number} is not assigned to you", reassigned.Reason);
    }

    [Fact]
    public async Task Check_CaseChangedByAnotherReplica_IsSeenOnceTheCacheLifetimePasses()
    {
        var number = fixture.NewCaseNumber();
        var services = fixture.Host.Services;
        var validator = services.GetRequiredService<CaseValidator>();
        var request = CaseTesting.NewCase(number, CaseTesting.PersonDebtorId);
        await Registry.PutAsync(validator.Validate(request), "test", TestContext.Deadline);
        Assert.True((await CheckAsync("judge-wang", number, CaseTesting.PersonDebtorId)).Allowed);

        // Another replica writes the shared store; this replica's cache does not hear of it.
        request.State = CaseState.Closed;
        await services.GetRequiredService<CaseStore>().PutAsync(validator.Validate(request), "replica-2", fixture.Host.Time.GetUtcNow(), TestContext.Deadline);
        var stillCached = await CheckAsync("judge-wang", number, CaseTesting.PersonDebtorId);
        fixture.Host.Time.Advance(TimeSpan.FromSeconds(new CasesOptions().CacheSeconds));
        var afterLifetime = await CheckAsync("judge-wang", number, CaseTesting.PersonDebtorId);

        Assert.True(stillCached.Allowed);
        Assert.Equal($"case {number} is closed", afterLifetime.Reason);
    }
}
