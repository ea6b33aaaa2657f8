using System.Diagnostics.CodeAnalysis;

namespace DataGateway.Domain.Purposes;

/// <summary>
/// A Zhejiang notarial file number (公证书编号) such as <c>(2025)浙绍上证民字第1234号</c>: year, the notary office's code
/// (浙 + the city and county abbreviations, 浙绍上 = the Shangyu notary office of Shaoxing), the certificate type
/// (证字, 证民字 ...) and the sequence the office numbers per year and type.
/// </summary>
/// <param name="Year">The year the file was opened.</param>
/// <param name="OfficeCode">浙 followed by the office's abbreviation, e.g. <c>浙绍上</c>.</param>
/// <param name="FileType">The certificate type, e.g. <c>证民字</c>.</param>
/// <param name="Sequence">The file's number within its office, year and type.</param>
/// <remarks>
/// <para>
/// A stand-in format: it follows the numbers printed on published notarial certificates ("（2019）浙绍上证字第1234号"),
/// but no rule from the Ministry of Justice or the provincial notary association was checked. The office abbreviation
/// is 1 to 3 Chinese characters after 浙 (浙绍上 county office, 浙绍 city office, 浙杭钱 a Hangzhou district office).
/// </para>
/// <para>
/// Like <see cref="CaseNumber"/>, full-width parentheses <c>（）</c> are accepted and <see cref="ToString"/> gives the
/// ASCII form; whitespace is refused rather than trimmed.
/// </para>
/// </remarks>
public sealed record NotarialFileNumber(int Year, string OfficeCode, string FileType, int Sequence)
{
    /// <summary>The earliest year accepted: older files predate any networked notary system.</summary>
    public const int MinimumYear = 1990;

    /// <summary>The most digits a sequence may have.</summary>
    public const int MaximumSequenceDigits = 6;

    /// <summary>The Shangyu notary office (浙江省绍兴市上虞公证处).</summary>
    public const string ShangyuOfficeCode = "浙绍上";

    /// <summary>The most characters of an office abbreviation after 浙.</summary>
    public const int MaximumAbbreviationLength = 3;

    private const char Province = '浙';
    private const char Ordinal = '第';
    private const char NumberSuffix = NumberText.NumberSuffix;
    private const string Example = "(2025)浙绍上证民字第1234号";

    /// <summary>
    /// The certificate types: 证字 general, 证民字 civil (estates, wills, kinship), 证经字 economic, 证内字 for use at home,
    /// 证外字 for use abroad. Longer types first, so a prefix never hides a longer match.
    /// </summary>
    public static IReadOnlyList<string> FileTypes { get; } = ["证民字", "证经字", "证内字", "证外字", "证字"];

    /// <summary>The types an estate (继承) is notarised under: civil, or the general type some offices still use.</summary>
    public static IReadOnlyList<string> CivilFileTypes { get; } = ["证民字", "证字"];

    /// <summary>Whether the file is of a type an estate may be notarised under (<see cref="CivilFileTypes"/>).</summary>
    public bool IsCivil => CivilFileTypes.Contains(FileType, StringComparer.Ordinal);

    /// <summary>Parses a notarial file number.</summary>
    /// <param name="value">The file number as the user sent it.</param>
    /// <param name="today">The date that bounds the year: a file cannot be opened in a year still to come.</param>
    /// <param name="fileNumber">The parsed file number.</param>
    /// <param name="error">Why the value is refused, phrased to follow "&lt;field&gt;: ".</param>
    public static bool TryParse(
        string? value,
        DateOnly today,
        [NotNullWhen(true)] out NotarialFileNumber? fileNumber,
        [NotNullWhen(false)] out string? error)
    {
        fileNumber = null;
        error = Parse(value, today, ref fileNumber);
        return error is null;
    }

    /// <summary>Whether <paramref name="value"/> has the shape of an office code: 浙 and 1 to 3 Chinese characters, e.g. <c>浙绍上</c>.</summary>
    public static bool IsOfficeCode([NotNullWhen(true)] string? value) =>
        value is { Length: >= 2 and <= MaximumAbbreviationLength + 1 }
        && value[0] == Province
        && IsChinese(value.AsSpan(1))
        && !value.AsSpan(1).Contains('证');

    /// <summary>The canonical form, e.g. <c>(2025)浙绍上证民字第1234号</c>.</summary>
    public override string ToString() => $"({Year}){OfficeCode}{FileType}{Ordinal}{Sequence}{NumberSuffix}";

    private static string? Parse(string? value, DateOnly today, ref NotarialFileNumber? fileNumber)
    {
        if (NumberText.ReadYear(value, today, MinimumYear, Example, "(2025)", out var year) is { } headProblem)
        {
            return headProblem;
        }

        var text = value.AsSpan();

        // Office: 浙 + abbreviation, which runs up to the 证 that starts the type.
        var rest = text[6..];
        if (rest.IsEmpty || rest[0] != Province)
        {
            return rest.IsEmpty
                ? $"notary office is missing; it must look like {Example}"
                : $"notary office must start with {Province} (Zhejiang) but starts with '{rest[0]}'";
        }

        var typeStart = rest.IndexOf('证');
        if (typeStart < 0)
        {
            return $"certificate type is missing; types are {string.Join(", ", FileTypes)}";
        }

        var office = rest[..typeStart];
        if (office.Length == 1)
        {
            return $"notary office abbreviation is missing after {Province}, as in {ShangyuOfficeCode}";
        }

        if (office.Length > MaximumAbbreviationLength + 1 || !IsChinese(office[1..]))
        {
            return $"notary office must be {Province} and 1 to {MaximumAbbreviationLength} Chinese characters, as in {ShangyuOfficeCode}";
        }

        rest = rest[typeStart..];
        var ordinal = rest.IndexOf(Ordinal);
        if (ordinal < 0)
        {
            return $"must have {Ordinal} before the sequence, as in {Example}";
        }

        var fileType = FindType(rest[..ordinal]);
        if (fileType is null)
        {
            return $"certificate type '{rest[..ordinal]}' is not one of {string.Join(", ", FileTypes)}";
        }

        rest = rest[(ordinal + 1)..];
        var sequenceLength = rest.IndexOfAnyExceptInRange('0', '9');
        if (sequenceLength == 0)
        {
            return $"sequence is missing after {Ordinal}; it must look like {Example}";
        }

        if (NumberText.ReadSequence(rest, MaximumSequenceDigits, Example, out var sequence) is { } tailProblem)
        {
            return tailProblem;
        }

        var officeCode = office.SequenceEqual(ShangyuOfficeCode) ? ShangyuOfficeCode : office.ToString();
        fileNumber = new NotarialFileNumber(year, officeCode, fileType, sequence);
        return null;
    }

    // The CJK Unified Ideographs block holds every character of an office abbreviation.
    private static bool IsChinese(ReadOnlySpan<char> text) => text.IndexOfAnyExceptInRange('\u4E00', '\u9FFF') < 0;

    private static string? FindType(ReadOnlySpan<char> text)
    {
        foreach (var type in FileTypes)
        {
            if (text.SequenceEqual(type))
            {
                return type;
            }
        }

        return null;
    }
}
