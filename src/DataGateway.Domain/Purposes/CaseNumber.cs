using System.Diagnostics.CodeAnalysis;

namespace DataGateway.Domain.Purposes;

/// <summary>
/// A Zhejiang court case number such as <c>(2023)浙0604执1234号</c>: year, court code (浙 + 4 digits), case type and
/// the sequence the court numbers per year and type.
/// </summary>
/// <param name="Year">The year the case was registered.</param>
/// <param name="CourtCode">The court code with its province character, e.g. <c>浙0604</c> (Shangyu court).</param>
/// <param name="CaseType">The case type, e.g. <c>执</c> or <c>执恢</c>.</param>
/// <param name="Sequence">The case's number within its court, year and type.</param>
/// <remarks>
/// Parsing accepts full-width parentheses <c>（）</c> as well as ASCII ones, because that is what a Chinese input
/// method types, and <see cref="ToString"/> always gives the canonical ASCII form. Nothing else is repaired: whitespace
/// is refused rather than trimmed.
/// </remarks>
public sealed record CaseNumber(int Year, string CourtCode, string CaseType, int Sequence)
{
    /// <summary>The earliest case year accepted: older cases predate the networked enforcement systems.</summary>
    public const int MinimumYear = 1990;

    /// <summary>The most digits a sequence may have.</summary>
    public const int MaximumSequenceDigits = 6;

    private const char Province = '浙';
    private const char NumberSuffix = '号';
    private const string ShangyuCourtCode = "浙0604";
    private const string Example = "(2023)浙0604执1234号";

    /// <summary>
    /// The enforcement case types: 执 first enforcement, 执恢 resumed, 执保 preservation, 执异 objection, 执复 review,
    /// 执监 supervision, 执协 coordination, 执他 other.
    /// </summary>
    public static IReadOnlyList<string> EnforcementCaseTypes { get; } = ["执", "执恢", "执保", "执异", "执复", "执监", "执协", "执他"];

    /// <summary>Whether the case is an enforcement case, the only kind for which assets may be queried.</summary>
    public bool IsEnforcement => EnforcementCaseTypes.Contains(CaseType, StringComparer.Ordinal);

    /// <summary>Parses a case number, refusing any that is not an enforcement case.</summary>
    /// <param name="value">The case number as the user sent it.</param>
    /// <param name="today">The date that bounds the year: a case cannot be registered in a year still to come.</param>
    /// <param name="caseNumber">The parsed case number.</param>
    /// <param name="error">Why the value is refused, phrased to follow "&lt;field&gt;: ".</param>
    public static bool TryParse(
        string? value,
        DateOnly today,
        [NotNullWhen(true)] out CaseNumber? caseNumber,
        [NotNullWhen(false)] out string? error)
    {
        caseNumber = null;
        error = Parse(value, today, ref caseNumber);
        return error is null;
    }

    /// <summary>The canonical form, e.g. <c>(2023)浙0604执1234号</c>.</summary>
    public override string ToString() => $"({Year}){CourtCode}{CaseType}{Sequence}号";

    private static string? Parse(string? value, DateOnly today, ref CaseNumber? caseNumber)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "is required";
        }

        var text = value.AsSpan();
        var whitespace = text.IndexOfAny(" \t\r\n\u3000");
        if (whitespace >= 0)
        {
            return $"must not contain spaces (found one at character {whitespace + 1}); it must look like {Example}";
        }

        // "(" year ")"
        if (text.Length < 6 || text[0] is not ('(' or '（') || text[5] is not (')' or '）'))
        {
            return $"must look like {Example}";
        }

        var yearText = text.Slice(1, 4);
        if (!IsDigits(yearText))
        {
            return "year must be 4 digits in parentheses, as in (2023)";
        }

        var year = int.Parse(yearText, provider: null);
        if (year < MinimumYear || year > today.Year)
        {
            return $"year {year} is outside {MinimumYear}-{today.Year}";
        }

        // Court code: 浙 + 4 digits.
        var rest = text[6..];
        if (rest.IsEmpty || rest[0] != Province)
        {
            return rest.IsEmpty
                ? $"court code is missing; it must look like {Example}"
                : $"court code must start with {Province} (Zhejiang) but starts with '{rest[0]}'";
        }

        if (rest.Length < 5 || !IsDigits(rest.Slice(1, 4)))
        {
            return $"court code must be {Province} followed by 4 digits, as in {ShangyuCourtCode}";
        }

        var courtCode = rest[..5];
        rest = rest[5..];

        // Case type: everything up to the sequence digits.
        var typeLength = rest.IndexOfAnyInRange('0', '9');
        if (typeLength < 0)
        {
            return $"sequence is missing; it must look like {Example}";
        }

        var caseType = FindEnforcementType(rest[..typeLength]);
        if (caseType is null)
        {
            return typeLength == 0
                ? $"case type is missing after the court code; enforcement types are {string.Join(", ", EnforcementCaseTypes)}"
                : $"case type '{rest[..typeLength]}' is not an enforcement case type ({string.Join(", ", EnforcementCaseTypes)})";
        }

        rest = rest[typeLength..];
        var sequenceLength = rest.IndexOfAnyExceptInRange('0', '9');
        if (sequenceLength < 0 || rest[sequenceLength] != NumberSuffix)
        {
            return $"must end with {NumberSuffix} right after the sequence, as in {Example}";
        }

        if (sequenceLength != rest.Length - 1)
        {
            return $"unexpected text after {NumberSuffix}";
        }

        var sequenceText = rest[..sequenceLength];
        if (sequenceText.Length > MaximumSequenceDigits)
        {
            return $"sequence must have at most {MaximumSequenceDigits} digits (got {sequenceText.Length})";
        }

        var sequence = int.Parse(sequenceText, provider: null);
        if (sequence < 1)
        {
            return "sequence must be at least 1";
        }

        var court = courtCode.SequenceEqual(ShangyuCourtCode) ? ShangyuCourtCode : courtCode.ToString();
        caseNumber = new CaseNumber(year, court, caseType, sequence);
        return null;
    }

    private static string? FindEnforcementType(ReadOnlySpan<char> text)
    {
        foreach (var type in EnforcementCaseTypes)
        {
            if (text.SequenceEqual(type))
            {
                return type;
            }
        }

        return null;
    }

    private static bool IsDigits(ReadOnlySpan<char> text) => !text.IsEmpty && !text.ContainsAnyExceptInRange('0', '9');
}
