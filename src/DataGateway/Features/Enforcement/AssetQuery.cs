using System.Diagnostics.CodeAnalysis;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Catalog;
using DataGateway.Domain.Purposes;
using DataGateway.Domain.Subjects;
using DataGateway.Features.Api;

namespace DataGateway.Features.Enforcement;

/// <summary>An integrated asset query that passed validation: canonical case number and identifier, known asset kinds.</summary>
internal sealed record AssetQuery(CaseNumber CaseNumber, Subject Subject, IReadOnlyList<string> AssetKinds);

/// <summary>A refused field: its JSON path as the caller wrote it (e.g. "rows[12].idNumber") and why.</summary>
internal readonly record struct FieldProblem(string Field, string Reason)
{
    public override string ToString() => $"{Field}: {Reason}";
}

/// <summary>
/// Checks a judge's query before any unit is asked. Every refusal names the field in the request's JSON path.
/// The case and subject rules are <see cref="TryCaseNumber"/> and <see cref="TrySubject"/>: the one place they live,
/// used by the single query (which throws the first problem) and by every row of a batch (which collects them).
/// </summary>
internal sealed class AssetQueryValidator(UnitCatalog catalog, TimeProvider timeProvider)
{
    public const int MaxNameLength = 100;

    /// <summary>The district's calendar day, against which birth dates and case years are checked.</summary>
    public DateOnly Today => DistrictClock.Today(timeProvider);

    public AssetQuery Validate(QueryAssetsRequest request)
    {
        var today = Today;
        if (string.IsNullOrEmpty(request.CaseNumber))
        {
            throw ApiErrors.InvalidArgument("caseNumber", "is required: every query is made under an enforcement case, e.g. (2023)浙0604执1234号");
        }

        if (!TryCaseNumber(request.CaseNumber, "caseNumber", today, out var caseNumber, out var caseProblem))
        {
            throw Refuse(caseProblem);
        }

        if (request.Subject is not { } given)
        {
            throw ApiErrors.InvalidArgument("subject", "is required: give idNumber (a person) or creditCode (an organisation), and name");
        }

        var identifier = given.IdentifierCase switch
        {
            Subject.IdentifierOneofCase.IdNumber => given.IdNumber,
            Subject.IdentifierOneofCase.CreditCode => given.CreditCode,
            _ => string.Empty,
        };
        if (!TrySubject(given.IdentifierCase, identifier, given.Name, "subject", today, out var subject, out var subjectProblem))
        {
            throw Refuse(subjectProblem);
        }

        return new AssetQuery(caseNumber, subject, ValidateAssetKinds(request.AssetKinds));
    }

    /// <summary>Parses a non-empty case number; <paramref name="field"/> is its JSON path.</summary>
    public static bool TryCaseNumber(
        string value, string field, DateOnly today, [NotNullWhen(true)] out CaseNumber? caseNumber, out FieldProblem problem)
    {
        if (CaseNumber.TryParse(value, today, out caseNumber, out var error))
        {
            problem = default;
            return true;
        }

        problem = new FieldProblem(field, error);
        return false;
    }

    /// <summary>
    /// Checks a subject and returns it in canonical form (upper-case check character, trimmed name).
    /// <paramref name="field"/> is the JSON path of the object holding idNumber/creditCode and name ("subject",
    /// "rows[3]"). Problems never repeat the identifier.
    /// </summary>
    /// <param name="kind">Which identifier the caller gave; <see cref="Subject.IdentifierOneofCase.None"/> if neither.</param>
    public static bool TrySubject(
        Subject.IdentifierOneofCase kind, string identifier, string name, string field, DateOnly today,
        [NotNullWhen(true)] out Subject? subject, out FieldProblem problem)
    {
        subject = null;
        var canonical = new Subject();
        switch (kind)
        {
            case Subject.IdentifierOneofCase.IdNumber:
                if (!ResidentIdNumber.TryValidate(identifier, today, out var id, out var idError))
                {
                    problem = new FieldProblem($"{field}.idNumber", idError);
                    return false;
                }

                canonical.IdNumber = id;
                break;
            case Subject.IdentifierOneofCase.CreditCode:
                if (!UnifiedSocialCreditCode.TryValidate(identifier, out var code, out var codeError))
                {
                    problem = new FieldProblem($"{field}.creditCode", codeError);
                    return false;
                }

                canonical.CreditCode = code;
                break;
            default:
                problem = new FieldProblem(field, "give idNumber (a person) or creditCode (an organisation)");
                return false;
        }

        var trimmed = name.Trim();
        if (trimmed.Length == 0)
        {
            problem = new FieldProblem($"{field}.name", "is required");
            return false;
        }

        if (trimmed.Length > MaxNameLength)
        {
            problem = new FieldProblem($"{field}.name", $"must be at most {MaxNameLength} characters (got {trimmed.Length})");
            return false;
        }

        canonical.Name = trimmed;
        subject = canonical;
        problem = default;
        return true;
    }

    /// <summary>Known asset kinds, each once, in the order asked; empty means every asset kind.</summary>
    public List<string> ValidateAssetKinds(Google.Protobuf.Collections.RepeatedField<string> requested)
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

    private static Grpc.Core.RpcException Refuse(FieldProblem problem) => ApiErrors.InvalidArgument(problem.Field, problem.Reason);
}

/// <summary>The district's calendar day: China Standard Time has no daylight saving, so a fixed +08:00 is exact.</summary>
internal static class DistrictClock
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    public static DateOnly Today(TimeProvider timeProvider) =>
        DateOnly.FromDateTime(timeProvider.GetUtcNow().ToOffset(Offset).DateTime);
}
