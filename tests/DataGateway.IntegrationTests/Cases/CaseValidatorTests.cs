using DataGateway.Contracts.V1;
using DataGateway.Features.Cases;
using DataGateway.Features.Privacy;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DataGateway.IntegrationTests.Cases;

/// <summary>PutCase validation without a host; the REST and gRPC tests cover how its errors reach a caller.</summary>
public sealed class CaseValidatorTests
{
    private static readonly KeyedHasher Hasher = new(Options.Create(new PrivacyOptions { HashKey = Convert.ToBase64String(new byte[32]) }));

    private static readonly CaseValidator Validator = new(Hasher, new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.FromHours(8))));

    private static string ErrorOf(PutCaseRequest request) =>
        Assert.Throws<RpcException>(() => Validator.Validate(request)).Status.Detail;

    [Fact]
    public void Validate_ValidCase_KeepsOnlyHashesAndMaskedIdentifiers()
    {
        var registration = Validator.Validate(CaseTesting.NewCase("(2026)浙0604执5号", CaseTesting.PersonDebtorId));

        var debtor = registration.Parties[0];
        Assert.Equal(Hasher.Hash(CaseTesting.PersonDebtorId), debtor.IdentifierHash);
        Assert.Equal("330682********0113", debtor.MaskedIdentifier);
        Assert.DoesNotContain(CaseTesting.PersonDebtorId, registration.ToString());
        Assert.Equal("91330604********XY", registration.Parties[1].MaskedIdentifier);
    }

    [Fact]
    public void Validate_FullWidthParenthesesAndLowerCaseX_AreStoredCanonically()
    {
        var request = CaseTesting.NewCase("（2026）浙0604执恢5号", CaseTesting.NoAssetsId.ToLowerInvariant());

        var registration = Validator.Validate(request);

        Assert.Equal("(2026)浙0604执恢5号", registration.CaseNumber);
        Assert.Equal("执恢", registration.CaseType);
        Assert.Equal(Hasher.Hash(CaseTesting.NoAssetsId), registration.Parties[0].IdentifierHash);
    }

    [Fact]
    public void Validate_OfficerListedTwice_IsAssignedOnce()
    {
        var request = CaseTesting.NewCase("(2026)浙0604执5号", CaseTesting.PersonDebtorId, "judge-wang", "judge-li", "judge-wang");

        Assert.Equal(["judge-wang", "judge-li"], Validator.Validate(request).Officers);
    }

    [Fact]
    public void Validate_BadIdNumber_NamesThePartyAndNeverRepeatsTheNumber()
    {
        var request = CaseTesting.NewCase("(2026)浙0604执5号", CaseTesting.PersonDebtorId);
        var wrong = CaseTesting.PersonDebtorId[..17] + "4";
        request.Parties.Add(new CaseParty { Role = PartyRole.Debtor, Name = "某人", IdNumber = wrong });

        var error = ErrorOf(request);

        Assert.StartsWith("parties[2].idNumber: check character", error);
        Assert.DoesNotContain(wrong[..17], error);
    }

    [Fact]
    public void Validate_SamePartyTwice_NamesTheSecond()
    {
        var request = CaseTesting.NewCase("(2026)浙0604执5号", CaseTesting.PersonDebtorId);
        request.Parties.Add(new CaseParty { Role = PartyRole.Applicant, Name = "王建军", IdNumber = CaseTesting.PersonDebtorId });

        Assert.StartsWith("parties[2].idNumber: the same identifier is already given for parties[0]", ErrorOf(request));
    }

    [Fact]
    public void Validate_MaskedIdentifierSentBack_IsRefusedWithAHint()
    {
        var request = CaseTesting.NewCase("(2026)浙0604执5号", "330682********0113");

        Assert.StartsWith("parties[0].idNumber: is masked", ErrorOf(request));
    }

    [Fact]
    public void Validate_RegistrationDateInTheFuture_IsRefused()
    {
        var request = CaseTesting.NewCase("(2026)浙0604执5号", CaseTesting.PersonDebtorId);
        request.RegisteredOn = "2026-06-02";

        Assert.Equal("registeredOn: 2026-06-02 is in the future", ErrorOf(request));
    }

    [Fact]
    public void Validate_ExactlyMaxParties_IsAccepted()
    {
        var request = CaseTesting.NewCase("(2026)浙0604执5号", CaseTesting.PersonDebtorId);
        request.Parties.Clear();
        for (var i = 0; i < CaseValidator.MaxParties; i++)
        {
            request.Parties.Add(new CaseParty { Role = PartyRole.Debtor, Name = "被执行人" + i, IdNumber = CaseTesting.PersonId(i) });
        }

        Assert.Equal(CaseValidator.MaxParties, Validator.Validate(request).Parties.Count);
    }
}
