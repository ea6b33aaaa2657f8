using System.Globalization;
using System.Text.RegularExpressions;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Catalog;
using DataGateway.Domain.Purposes;
using DataGateway.Domain.Subjects;
using DataGateway.Features.Api;
using DataGateway.Features.Enforcement;

namespace DataGateway.Features.Matters;

/// <summary>A matter request that passed validation: canonical values, the unit from the catalog.</summary>
internal sealed record ValidMatter(
    CaseNumber CaseNumber,
    UnitDefinition Unit,
    string Action,
    Subject Subject,
    string SubjectIdentifier,
    string AssetReference,
    string? AmountYuan,
    int TermMonths,
    string? RulingNumber,
    string NoticeNumber);

/// <summary>Checks a judge's matter before anything is stored or sent. Every refusal names the field in the request's JSON path.</summary>
internal sealed partial class MatterValidator(UnitCatalog catalog, TimeProvider timeProvider)
{
    private const int MaxNameLength = 100;
    private const int MaxReferenceLength = 100;

    public ValidMatter Validate(FileMatterRequest request)
    {
        var today = DistrictClock.Today(timeProvider);
        if (string.IsNullOrEmpty(request.CaseNumber))
        {
            throw ApiErrors.InvalidArgument("caseNumber", "is required: every matter is filed under an enforcement case, e.g. (2024)浙0604执1234号");
        }

        if (!CaseNumber.TryParse(request.CaseNumber, today, out var caseNumber, out var caseError))
        {
            throw ApiErrors.InvalidArgument("caseNumber", caseError);
        }

        var action = ActionName(request.Action)
            ?? throw ApiErrors.InvalidArgument("action", $"is required: one of {string.Join(", ", ControlActions.All.Select(a => "MATTER_ACTION_" + a))}");

        if (string.IsNullOrEmpty(request.UnitId))
        {
            throw ApiErrors.InvalidArgument("unitId", "is required: the catalog id of the unit asked to act, e.g. bank-sxrcb");
        }

        if (!catalog.TryGetUnit(request.UnitId, out var unit))
        {
            throw ApiErrors.InvalidArgument("unitId", $"no unit '{request.UnitId}' in the catalog (see GET /v1/units)");
        }

        if (!unit.Actions.Contains(action, StringComparer.Ordinal))
        {
            throw ApiErrors.InvalidArgument("unitId", unit.Actions.Count == 0
                ? $"unit '{unit.Id}' accepts no matters"
                : $"unit '{unit.Id}' does not accept {action}; it accepts {string.Join(", ", unit.Actions)}");
        }

        var (subject, identifier) = ValidateSubject(request.Subject, today);
        var assetReference = ValidateAssetReference(request.AssetReference, action);
        var amount = ValidateAmount(request.AmountYuan, action, unit);
        var term = ValidateTerm(request.TermMonths, action, unit);
        var (ruling, notice) = ValidateDocument(request.Document, action);
        return new ValidMatter(caseNumber, unit, action, subject, identifier, assetReference, amount, term, ruling, notice);
    }

    /// <summary>The catalog name of a contract action ("SEAL"), or null for none.</summary>
    public static string? ActionName(MatterAction action) => action switch
    {
        MatterAction.Seal => ControlActions.Seal,
        MatterAction.RenewSeal => ControlActions.RenewSeal,
        MatterAction.ReleaseSeal => ControlActions.ReleaseSeal,
        MatterAction.Freeze => ControlActions.Freeze,
        MatterAction.RenewFreeze => ControlActions.RenewFreeze,
        MatterAction.Unfreeze => ControlActions.Unfreeze,
        MatterAction.Deduct => ControlActions.Deduct,
        MatterAction.ServeDocument => ControlActions.ServeDocument,
        MatterAction.LocatePerson => ControlActions.LocatePerson,
        _ => null,
    };

    public static MatterAction ActionOf(string action) => action switch
    {
        ControlActions.Seal => MatterAction.Seal,
        ControlActions.RenewSeal => MatterAction.RenewSeal,
        ControlActions.ReleaseSeal => MatterAction.ReleaseSeal,
        ControlActions.Freeze => MatterAction.Freeze,
        ControlActions.RenewFreeze => MatterAction.RenewFreeze,
        ControlActions.Unfreeze => MatterAction.Unfreeze,
        ControlActions.Deduct => MatterAction.Deduct,
        ControlActions.ServeDocument => MatterAction.ServeDocument,
        ControlActions.LocatePerson => MatterAction.LocatePerson,
        _ => MatterAction.Unspecified,
    };

    /// <summary>Acts on property (needs the asset and the ruling), as opposed to the shared courts' help with a case.</summary>
    public static bool IsPropertyAction(string action) => action is not (ControlActions.ServeDocument or ControlActions.LocatePerson);

    /// <summary>Whether an amount of money goes with the action (a freeze or deduction).</summary>
    public static bool TakesAmount(string action) => action is ControlActions.Freeze or ControlActions.RenewFreeze or ControlActions.Deduct;

    /// <summary>
    /// Parses yuan with at most two decimal places ("12345.6", "0.50"), more than zero, into its canonical two-place form;
    /// null with a reason otherwise.
    /// </summary>
    public static string? ParseYuan(string value, out string? error)
    {
        error = null;
        if (!YuanPattern().IsMatch(value)
            || !decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            error = $"'{Shorten(value)}' is not an amount of yuan: digits with at most two decimal places, e.g. 12345.67";
            return null;
        }

        if (amount <= 0)
        {
            error = "must be more than 0";
            return null;
        }

        return amount.ToString("F2", CultureInfo.InvariantCulture);
    }

    private static (Subject Subject, string Identifier) ValidateSubject(Subject? subject, DateOnly today)
    {
        if (subject is null)
        {
            throw ApiErrors.InvalidArgument("subject", "is required: the judgment debtor, with idNumber (a person) or creditCode (an organisation), and name");
        }

        var canonical = new Subject();
        string identifier;
        switch (subject.IdentifierCase)
        {
            case Subject.IdentifierOneofCase.IdNumber:
                identifier = ResidentIdNumber.TryValidate(subject.IdNumber, today, out var id, out var idError)
                    ? id
                    : throw ApiErrors.InvalidArgument("subject.idNumber", idError);
                canonical.IdNumber = identifier;
                break;
            case Subject.IdentifierOneofCase.CreditCode:
                identifier = UnifiedSocialCreditCode.TryValidate(subject.CreditCode, out var code, out var codeError)
                    ? code
                    : throw ApiErrors.InvalidArgument("subject.creditCode", codeError);
                canonical.CreditCode = identifier;
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
        return (canonical, identifier);
    }

    private static string ValidateAssetReference(string value, string action)
    {
        var reference = value.Trim();
        if (reference.Length == 0 && IsPropertyAction(action))
        {
            throw ApiErrors.InvalidArgument("assetReference", $"is required for {action}: the certificate number, account number or plate of the asset");
        }

        CheckText(reference, "assetReference");
        return reference;
    }

    private static string? ValidateAmount(string value, string action, UnitDefinition unit)
    {
        var text = value.Trim();
        var required = action == ControlActions.Deduct || (action == ControlActions.Freeze && TermRules.PropertyOf(unit.Kind) == PropertyClass.Deposits);
        if (text.Length == 0)
        {
            return required
                ? throw ApiErrors.InvalidArgument("amountYuan", $"is required for {action} at {unit.Kind}: the sum in yuan, e.g. 50000.00")
                : null;
        }

        if (!TakesAmount(action))
        {
            throw ApiErrors.InvalidArgument("amountYuan", $"must be empty for {action}: only freezes and deductions carry an amount");
        }

        return ParseYuan(text, out var error) ?? throw ApiErrors.InvalidArgument("amountYuan", error!);
    }

    private static int ValidateTerm(int months, string action, UnitDefinition unit)
    {
        if (!TermRules.HasTerm(action))
        {
            return months == 0
                ? 0
                : throw ApiErrors.InvalidArgument("termMonths", $"must be 0 (or absent) for {action}: only seals, freezes and their renewals run for a term");
        }

        var property = TermRules.PropertyOf(unit.Kind);
        var max = TermRules.MaxMonths(property);
        if (months <= 0)
        {
            throw ApiErrors.InvalidArgument("termMonths", $"is required for {action}: the term in months, at most {max} for {TermRules.Describe(property)}");
        }

        if (months > max)
        {
            var renewal = action is ControlActions.RenewSeal or ControlActions.RenewFreeze ? "a renewal of a " : "a ";
            throw ApiErrors.InvalidArgument(
                "termMonths",
                $"{renewal}{(action is ControlActions.Seal or ControlActions.RenewSeal ? "seal" : "freeze")} of {TermRules.Describe(property)} runs at most {max} months ({max / 12} year{(max > 12 ? "s" : string.Empty)}); got {months}");
        }

        return months;
    }

    private static (string? Ruling, string Notice) ValidateDocument(MatterDocument? document, string action)
    {
        var ruling = document?.RulingNumber.Trim() ?? string.Empty;
        var notice = document?.NoticeNumber.Trim() ?? string.Empty;
        if (ruling.Length == 0 && IsPropertyAction(action))
        {
            throw ApiErrors.InvalidArgument("document.rulingNumber", $"is required for {action}: the number of the ruling (执行裁定书) it carries out");
        }

        if (notice.Length == 0)
        {
            throw ApiErrors.InvalidArgument("document.noticeNumber", "is required: the number of the notice of assistance (协助执行通知书)");
        }

        CheckText(ruling, "document.rulingNumber");
        CheckText(notice, "document.noticeNumber");
        return (ruling.Length == 0 ? null : ruling, notice);
    }

    private static void CheckText(string value, string field)
    {
        if (value.Length > MaxReferenceLength)
        {
            throw ApiErrors.InvalidArgument(field, $"must be at most {MaxReferenceLength} characters (got {value.Length})");
        }

        if (value.Any(char.IsControl))
        {
            throw ApiErrors.InvalidArgument(field, "must not contain control characters");
        }
    }

    private static string Shorten(string value) => value.Length <= 20 ? value : value[..20] + "…";

    [GeneratedRegex(@"^(0|[1-9][0-9]{0,12})(\.[0-9]{1,2})?$", RegexOptions.CultureInvariant)]
    private static partial Regex YuanPattern();
}
