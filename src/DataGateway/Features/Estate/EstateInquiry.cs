using DataGateway.Contracts.V1;
using DataGateway.Domain.Purposes;
using DataGateway.Domain.Subjects;
using DataGateway.Features.Api;
using DataGateway.Features.Enforcement;

namespace DataGateway.Features.Estate;

/// <summary>An estate inquiry that passed validation: canonical file number and identity numbers, trimmed names.</summary>
internal sealed record EstateInquiry(
    NotarialFileNumber File,
    string DeceasedId,
    string DeceasedName,
    string ApplicantId,
    string ApplicantName,
    EstateRelationship Relationship,
    bool Fresh);

/// <summary>Checks a notary's inquiry before anything is asked. Every refusal names the field in the request's JSON path.</summary>
internal sealed class EstateInquiryValidator(TimeProvider timeProvider)
{
    private const int MaxNameLength = 100;
    private const string Example = "(2025)浙绍上证民字第1234号";

    public EstateInquiry Validate(CreateEstateInquiryRequest request)
    {
        var today = DistrictClock.Today(timeProvider);
        if (string.IsNullOrEmpty(request.NotarialFileNumber))
        {
            throw ApiErrors.InvalidArgument("notarialFileNumber", $"is required: every estate inquiry is made under a notarial file, e.g. {Example}");
        }

        if (!NotarialFileNumber.TryParse(request.NotarialFileNumber, today, out var file, out var fileError))
        {
            throw ApiErrors.InvalidArgument("notarialFileNumber", fileError);
        }

        if (!file.IsCivil)
        {
            throw ApiErrors.InvalidArgument(
                "notarialFileNumber",
                $"an estate is notarised under a civil file ({string.Join(" or ", NotarialFileNumber.CivilFileTypes)}), not {file.FileType}");
        }

        if (request.Deceased is null)
        {
            throw ApiErrors.InvalidArgument("deceased", "is required: give idNumber and name");
        }

        if (request.Deceased.IdentifierCase != Subject.IdentifierOneofCase.IdNumber)
        {
            throw ApiErrors.InvalidArgument("deceased.idNumber", "is required: an estate is a person's, identified by their resident identity number");
        }

        var deceasedId = IdNumber(request.Deceased.IdNumber, "deceased.idNumber", today);
        var deceasedName = Name(request.Deceased.Name, "deceased.name");

        if (request.Applicant is null)
        {
            throw ApiErrors.InvalidArgument("applicant", "is required: give idNumber, name and relationship");
        }

        if (string.IsNullOrEmpty(request.Applicant.IdNumber))
        {
            throw ApiErrors.InvalidArgument("applicant.idNumber", "is required");
        }

        var applicantId = IdNumber(request.Applicant.IdNumber, "applicant.idNumber", today);
        if (applicantId == deceasedId)
        {
            throw ApiErrors.InvalidArgument("applicant.idNumber", "is the deceased's own number; the applicant is one of the heirs");
        }

        var applicantName = Name(request.Applicant.Name, "applicant.name");
        if (!Enum.IsDefined(request.Applicant.Relationship) || request.Applicant.Relationship == EstateRelationship.Unspecified)
        {
            throw ApiErrors.InvalidArgument(
                "applicant.relationship",
                "is required: ESTATE_RELATIONSHIP_SPOUSE, _CHILD, _PARENT, _SIBLING or _GRANDPARENT");
        }

        return new EstateInquiry(file, deceasedId, deceasedName, applicantId, applicantName, request.Applicant.Relationship, request.Fresh);
    }

    private static string IdNumber(string value, string field, DateOnly today) =>
        ResidentIdNumber.TryValidate(value, today, out var id, out var error) ? id : throw ApiErrors.InvalidArgument(field, error);

    private static string Name(string value, string field)
    {
        var name = value.Trim();
        if (name.Length == 0)
        {
            throw ApiErrors.InvalidArgument(field, "is required");
        }

        return name.Length <= MaxNameLength
            ? name
            : throw ApiErrors.InvalidArgument(field, $"must be at most {MaxNameLength} characters (got {name.Length})");
    }
}
