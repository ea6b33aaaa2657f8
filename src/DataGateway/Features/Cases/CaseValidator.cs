using System.Globalization;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Purposes;
using DataGateway.Domain.Subjects;
using DataGateway.Features.Api;
using DataGateway.Features.Enforcement;
using DataGateway.Features.Privacy;

namespace DataGateway.Features.Cases;

/// <summary>
/// Checks a PutCase completely before anything is written, and turns identifiers into keyed hashes and masked forms
/// on the way, so plain identifiers go no further than this class. Every refusal names the field in the request's
/// JSON path ("parties[2].idNumber: ...") and never repeats an identifier.
/// </summary>
internal sealed class CaseValidator(KeyedHasher hasher, TimeProvider timeProvider)
{
    public const int MaxParties = 200;
    public const int MaxOfficers = 20;
    public const int MaxOfficerIdLength = 128;
    public const int MaxNameLength = 100;

    /// <summary>Parses the case number of a GetCase or PutCase.</summary>
    public CaseNumber ParseCaseNumber(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw ApiErrors.InvalidArgument("caseNumber", "is required, e.g. (2024)浙0604执1234号");
        }

        return CaseNumber.TryParse(value, DistrictClock.Today(timeProvider), out var caseNumber, out var error)
            ? caseNumber
            : throw ApiErrors.InvalidArgument("caseNumber", error);
    }

    public CaseRegistration Validate(PutCaseRequest request)
    {
        var caseNumber = ParseCaseNumber(request.CaseNumber);
        var today = DistrictClock.Today(timeProvider);

        if (string.IsNullOrEmpty(request.CourtCode))
        {
            throw ApiErrors.InvalidArgument("courtCode", $"is required: the court handling the case, {caseNumber.CourtCode} for this case number");
        }

        if (!string.Equals(request.CourtCode, caseNumber.CourtCode, StringComparison.Ordinal))
        {
            throw ApiErrors.InvalidArgument("courtCode", $"must be the court in the case number, {caseNumber.CourtCode}");
        }

        var officers = ValidateOfficers(request.Officers);
        var parties = ValidateParties(request.Parties, today);
        var state = request.State switch
        {
            CaseState.Open or CaseState.Closed => request.State,
            CaseState.Unspecified => throw ApiErrors.InvalidArgument("state", "is required: CASE_STATE_OPEN or CASE_STATE_CLOSED"),
            _ => throw ApiErrors.InvalidArgument("state", $"{(int)request.State} is not a case state; use CASE_STATE_OPEN or CASE_STATE_CLOSED"),
        };

        return new CaseRegistration(
            caseNumber.ToString(),
            caseNumber.CourtCode,
            caseNumber.CaseType,
            officers,
            parties,
            state,
            ValidateRegisteredOn(request.RegisteredOn, caseNumber, today));
    }

    private static List<string> ValidateOfficers(IList<string> requested)
    {
        if (requested.Count == 0)
        {
            throw ApiErrors.InvalidArgument("officers", "at least one officer is required: the token subject (sub) of each judge assigned, e.g. judge-wang");
        }

        if (requested.Count > MaxOfficers)
        {
            throw ApiErrors.InvalidArgument("officers", $"at most {MaxOfficers} officers (got {requested.Count})");
        }

        var officers = new List<string>(requested.Count);
        for (var i = 0; i < requested.Count; i++)
        {
            var officer = requested[i];
            if (string.IsNullOrEmpty(officer))
            {
                throw ApiErrors.InvalidArgument($"officers[{i}]", "is empty");
            }

            if (officer.Length > MaxOfficerIdLength)
            {
                throw ApiErrors.InvalidArgument($"officers[{i}]", $"must be at most {MaxOfficerIdLength} characters (got {officer.Length})");
            }

            // An id with a stray space would never equal a token's sub: the officer could never use the case.
            if (officer.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                throw ApiErrors.InvalidArgument($"officers[{i}]", "must not contain spaces or control characters: it is compared with the token subject (sub) exactly");
            }

            // Listing a judge twice (say, as presiding judge and as panel member) assigns them once.
            if (!officers.Contains(officer, StringComparer.Ordinal))
            {
                officers.Add(officer);
            }
        }

        return officers;
    }

    private List<RegisteredParty> ValidateParties(IList<CaseParty> requested, DateOnly today)
    {
        if (requested.Count == 0)
        {
            throw ApiErrors.InvalidArgument("parties", "at least one party is required, and one of them must be a PARTY_ROLE_DEBTOR (被执行人)");
        }

        if (requested.Count > MaxParties)
        {
            throw ApiErrors.InvalidArgument("parties", $"at most {MaxParties} parties (got {requested.Count})");
        }

        var parties = new List<RegisteredParty>(requested.Count);
        for (var i = 0; i < requested.Count; i++)
        {
            var party = ValidateParty(requested[i], $"parties[{i}]", today);
            var earlier = parties.FindIndex(p => p.IdentifierHash == party.IdentifierHash);
            if (earlier >= 0)
            {
                throw ApiErrors.InvalidArgument($"parties[{i}].{FieldOf(party.Kind)}", $"the same identifier is already given for parties[{earlier}]; list each party once");
            }

            parties.Add(party);
        }

        if (!parties.Exists(p => p.Role == PartyRole.Debtor))
        {
            throw ApiErrors.InvalidArgument("parties", "at least one party must be a PARTY_ROLE_DEBTOR (被执行人): an enforcement case is against someone");
        }

        return parties;
    }

    private RegisteredParty ValidateParty(CaseParty? party, string field, DateOnly today)
    {
        if (party is null)
        {
            throw ApiErrors.InvalidArgument(field, "is empty");
        }

        var role = party.Role switch
        {
            PartyRole.Debtor or PartyRole.Applicant => party.Role,
            PartyRole.Unspecified => throw ApiErrors.InvalidArgument($"{field}.role", "is required: PARTY_ROLE_DEBTOR (被执行人) or PARTY_ROLE_APPLICANT (申请执行人)"),
            _ => throw ApiErrors.InvalidArgument($"{field}.role", $"{(int)party.Role} is not a party role; use PARTY_ROLE_DEBTOR or PARTY_ROLE_APPLICANT"),
        };

        var name = party.Name.Trim();
        if (name.Length == 0)
        {
            throw ApiErrors.InvalidArgument($"{field}.name", "is required");
        }

        if (name.Length > MaxNameLength)
        {
            throw ApiErrors.InvalidArgument($"{field}.name", $"must be at most {MaxNameLength} characters (got {name.Length})");
        }

        switch (party.IdentifierCase)
        {
            case CaseParty.IdentifierOneofCase.IdNumber:
                RefuseMasked(party.IdNumber, $"{field}.idNumber");
                var id = ResidentIdNumber.TryValidate(party.IdNumber, today, out var normalisedId, out var idError)
                    ? normalisedId
                    : throw ApiErrors.InvalidArgument($"{field}.idNumber", idError);
                return new RegisteredParty(role, name, IdentifierKind.IdNumber, hasher.Hash(id), Masking.MaskIdNumber(id));
            case CaseParty.IdentifierOneofCase.CreditCode:
                RefuseMasked(party.CreditCode, $"{field}.creditCode");
                var code = UnifiedSocialCreditCode.TryValidate(party.CreditCode, out var normalisedCode, out var codeError)
                    ? normalisedCode
                    : throw ApiErrors.InvalidArgument($"{field}.creditCode", codeError);
                return new RegisteredParty(role, name, IdentifierKind.CreditCode, hasher.Hash(code), Masking.MaskCreditCode(code));
            default:
                throw ApiErrors.InvalidArgument(field, "give idNumber (a person) or creditCode (an organisation)");
        }
    }

    // A client that sends back what GetCase returned would otherwise get a puzzling "character 7 must be a digit".
    private static void RefuseMasked(string value, string field)
    {
        if (value.Contains('*', StringComparison.Ordinal))
        {
            throw ApiErrors.InvalidArgument(field, "is masked; send the full identifier (the registry returns identifiers masked and cannot restore them)");
        }
    }

    private static DateOnly ValidateRegisteredOn(string value, CaseNumber caseNumber, DateOnly today)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw ApiErrors.InvalidArgument("registeredOn", "is required: the date the court registered (立案) the case, YYYY-MM-DD");
        }

        if (!DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            throw ApiErrors.InvalidArgument("registeredOn", "must be a date in the form YYYY-MM-DD, e.g. 2024-03-18");
        }

        if (date > today)
        {
            throw ApiErrors.InvalidArgument("registeredOn", $"{value} is in the future");
        }

        // Courts number cases per year of registration, so the two years can only differ through a typing error.
        if (date.Year != caseNumber.Year)
        {
            throw ApiErrors.InvalidArgument("registeredOn", $"{value} is not in {caseNumber.Year}, the year of the case number");
        }

        return date;
    }

    private static string FieldOf(IdentifierKind kind) => kind == IdentifierKind.IdNumber ? "idNumber" : "creditCode";
}
