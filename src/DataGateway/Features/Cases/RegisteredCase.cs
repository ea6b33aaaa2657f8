using DataGateway.Contracts.V1;

namespace DataGateway.Features.Cases;

/// <summary>Which of the two identifier schemes a party's identifier follows.</summary>
internal enum IdentifierKind
{
    IdNumber,
    CreditCode,
}

/// <summary>
/// A party as the registry keeps it: the identifier only as a keyed hash (to match a queried subject) and a masked
/// form (to show), so the registry never becomes a second copy of everyone's ID number.
/// </summary>
internal sealed record RegisteredParty(PartyRole Role, string Name, IdentifierKind Kind, string IdentifierHash, string MaskedIdentifier);

/// <summary>What a PutCase asks the registry to hold, after validation: canonical number, hashed parties.</summary>
internal sealed record CaseRegistration(
    string CaseNumber,
    string CourtCode,
    string CaseType,
    IReadOnlyList<string> Officers,
    IReadOnlyList<RegisteredParty> Parties,
    CaseState State,
    DateOnly RegisteredOn)
{
    /// <summary>Same content, compared element by element (records compare lists by reference).</summary>
    public bool SameContentAs(CaseRegistration other) =>
        CaseNumber == other.CaseNumber
        && CourtCode == other.CourtCode
        && CaseType == other.CaseType
        && State == other.State
        && RegisteredOn == other.RegisteredOn
        && Officers.SequenceEqual(other.Officers, StringComparer.Ordinal)
        && Parties.SequenceEqual(other.Parties);
}

/// <summary>A case the registry holds.</summary>
internal sealed record RegisteredCase(CaseRegistration Registration, DateTimeOffset UpdatedAt)
{
    public string CaseNumber => Registration.CaseNumber;

    public string CourtCode => Registration.CourtCode;

    public bool IsOpen => Registration.State == CaseState.Open;

    public bool IsAssignedTo(string officerId) => Registration.Officers.Contains(officerId, StringComparer.Ordinal);

    /// <summary>
    /// Is the subject a judgment debtor (被执行人) of this case? Enforcement queries and control actions reach only
    /// debtors' assets; an applicant (the creditor) is a party too, but their assets are not the case's business.
    /// </summary>
    public bool HasDebtor(string identifierHash) =>
        Registration.Parties.Any(p => p.Role == PartyRole.Debtor && string.Equals(p.IdentifierHash, identifierHash, StringComparison.Ordinal));

    /// <summary>The contract shape, identifiers masked.</summary>
    public EnforcementCase ToContract()
    {
        var result = new EnforcementCase
        {
            CaseNumber = Registration.CaseNumber,
            CourtCode = Registration.CourtCode,
            CaseType = Registration.CaseType,
            Officers = { Registration.Officers },
            State = Registration.State,
            RegisteredOn = Registration.RegisteredOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            UpdatedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(UpdatedAt),
        };
        foreach (var party in Registration.Parties)
        {
            var contract = new CaseParty { Role = party.Role, Name = party.Name };
            if (party.Kind == IdentifierKind.IdNumber)
            {
                contract.IdNumber = party.MaskedIdentifier;
            }
            else
            {
                contract.CreditCode = party.MaskedIdentifier;
            }

            result.Parties.Add(contract);
        }

        return result;
    }
}
