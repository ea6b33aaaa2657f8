using DataGateway.Contracts.V1;
using DataGateway.Domain.Catalog;
using DataGateway.Domain.Purposes;
using DataGateway.Domain.Subjects;
using DataGateway.Features.Api;

namespace DataGateway.Features.Enforcement;

/// <summary>An integrated asset query that passed validation: canonical case number and identifier, known asset kinds.</summary>
internal sealed record AssetQuery(CaseNumber CaseNumber, Subject Subject, IReadOnlyList<string> AssetKinds);

/// <summary>
/// Checks a judge's query before any unit is asked. Every refusal names the field in the request's JSON path.
/// </summary>
internal sealed class AssetQueryValidator(UnitCatalog catalog, TimeProvider timeProvider)
{
    private const int MaxNameLength = 100;

    public AssetQuery Validate(QueryAssetsRequest request)
    {
        var today = DistrictClock.Today(timeProvider);
        if (string.IsNullOrEmpty(request.CaseNumber))
        {
            throw ApiErrors.InvalidArgument("caseNumber", "is required: every query is made under an enforcement case, e.g. (2023)浙0604执1234号");
        }

        if (!CaseNumber.TryParse(request.CaseNumber, today, out var caseNumber, out var caseError))
        {
            throw ApiErrors.InvalidArgument("caseNumber", caseError);
        }

        var subject = ValidateSubject(request.Subject, today);
        return new AssetQuery(caseNumber, subject, ValidateAssetKinds(request.AssetKinds));
    }

    private static Subject ValidateSubject(Subject? subject, DateOnly today)
    {
        if (subject is null)
        {
            throw ApiErrors.InvalidArgument("subject", "is required: give idNumber (a person) or creditCode (an organisation), and name");
        }

        var canonical = new Subject();
        switch (subject.IdentifierCase)
        {
            case Subject.IdentifierOneofCase.IdNumber:
                canonical.IdNumber = ResidentIdNumber.TryValidate(subject.IdNumber, today, out var id, out var idError)
                    ? id
                    : throw ApiErrors.InvalidArgument("subject.idNumber", idError);
                break;
            case Subject.IdentifierOneofCase.CreditCode:
                canonical.CreditCode = UnifiedSocialCreditCode.TryValidate(subject.CreditCode, out var code, out var codeError)
                    ? code
                    : throw ApiErrors.InvalidArgument("subject.creditCode", codeError);
                break;
            default:
                throw ApiErrors.InvalidArgument("subject", "give idNumber (a person) or creditCode (an organisation)");
        }

        var name = subject.Name.Trim();
        if (name.Length == 0)
        {
            throw ApiErrors.InvalidArgument("subject.name", "is required");
        }

        if (name.Length > MaxNameLength)
        {
            throw ApiErrors.InvalidArgument("subject.name", $"must be at most {MaxNameLength} characters (got {name.Length})");
        }

        canonical.Name = name;
        return canonical;
    }

    private List<string> ValidateAssetKinds(Google.Protobuf.Collections.RepeatedField<string> requested)
    {
        if (requested.Count == 0)
        {
            return [];
        }

        var kinds = new List<string>(requested.Count);
        for (var i = 0; i < requested.Count; i++)
        {
            var code = requested[i];
            if (!catalog.TryGetAssetKind(code, out _))
            {
                throw ApiErrors.InvalidArgument($"assetKinds[{i}]", $"unknown asset kind '{code}'; known kinds: {string.Join(", ", catalog.AssetKinds.Select(k => k.Code))}");
            }

            // Asking twice for the same kind is the same question.
            if (!kinds.Contains(code))
            {
                kinds.Add(code);
            }
        }

        return kinds;
    }
}

/// <summary>The district's calendar day: China Standard Time has no daylight saving, so a fixed +08:00 is exact.</summary>
internal static class DistrictClock
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    public static DateOnly Today(TimeProvider timeProvider) =>
        DateOnly.FromDateTime(timeProvider.GetUtcNow().ToOffset(Offset).DateTime);
}
