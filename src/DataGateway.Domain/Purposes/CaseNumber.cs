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
    private const char NumberSuffix = NumberText.NumberSuffix;
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
        if (NumberText.ReadYear(value, today, MinimumYear, Example, "(2023)", out var year) is { } headProblem)
        {
            return headProblem;
        }

        var text = value.AsSpan();

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

        if (NumberText.ReadSequence(rest[typeLength..], MaximumSequenceDigits, Example, out var sequence) is { } tailProblem)
        {
            return tailProblem;
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
