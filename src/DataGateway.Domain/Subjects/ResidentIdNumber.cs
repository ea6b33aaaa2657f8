using System.Diagnostics.CodeAnalysis;

namespace DataGateway.Domain.Subjects;

/// <summary>
/// The 18-character citizen identity number of GB 11643-1999: a 6-digit address code, the birth date as YYYYMMDD,
/// a 3-digit sequence (odd for men) and a check character.
/// </summary>
/// <remarks>
/// <para>
/// A lower-case <c>x</c> check character is accepted and normalised to <c>X</c>. The standard only defines the
/// capital letter, but numbers keyed in by hand or exported from spreadsheets often carry the lower-case one, and the
/// check character still proves the number was not mistyped; refusing it would bounce correct requests.
/// </para>
/// <para>
/// Nothing else is repaired: surrounding or embedded whitespace is refused rather than trimmed, so the caller learns
/// its data is dirty instead of the gateway silently querying a number the user never sent.
/// </para>
/// <para>Error messages name the offending position or character but never repeat the whole number.</para>
/// </remarks>
public static class ResidentIdNumber
{
    /// <summary>Length of a second-generation (current) resident ID number.</summary>
    public const int Length = 18;

    private const string CheckCharacters = "10X98765432";

    private static ReadOnlySpan<byte> Weights => [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

    /// <summary>Validates <paramref name="value"/> and returns it in canonical form (upper-case check character).</summary>
    /// <param name="value">The number as the user sent it.</param>
    /// <param name="today">The date against which a birth date in the future is refused.</param>
    /// <param name="normalised">The canonical number; the same instance as <paramref name="value"/> when it already was.</param>
    /// <param name="error">Why the number is refused, phrased to follow "&lt;field&gt;: ".</param>
    public static bool TryValidate(
        string? value,
        DateOnly today,
        [NotNullWhen(true)] out string? normalised,
        [NotNullWhen(false)] out string? error)
    {
        normalised = null;
        error = Validate(value, today);
        if (error is not null)
        {
            return false;
        }

        // Validate accepted it, so only the check character can differ from the canonical form.
        normalised = value![Length - 1] == 'x' ? string.Concat(value.AsSpan(0, Length - 1), "X") : value;
        return true;
    }

    /// <summary>The check character (0-9 or X) that the first 17 digits call for.</summary>
    /// <exception cref="ArgumentException">Fewer than 17 characters, or a non-digit among them.</exception>
    public static char ComputeCheckCharacter(ReadOnlySpan<char> first17)
    {
        if (first17.Length < Length - 1)
        {
            throw new ArgumentException($"Need at least {Length - 1} digits.", nameof(first17));
        }

        var sum = 0;
        for (var i = 0; i < Length - 1; i++)
        {
            var c = first17[i];
            if (!char.IsAsciiDigit(c))
            {
                throw new ArgumentException($"Character {i + 1} is not a digit.", nameof(first17));
            }

            sum += (c - '0') * Weights[i];
        }

        return CheckCharacters[sum % 11];
    }

    private static string? Validate(string? value, DateOnly today)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "is required";
        }

        var id = value.AsSpan();
        if (id.Length != Length)
        {
            return id.Length == 15
                ? "must be 18 characters (got 15); convert first-generation 15-digit numbers to the 18-character form"
                : $"must be 18 characters (got {id.Length})";
        }

        for (var i = 0; i < Length - 1; i++)
        {
            if (!char.IsAsciiDigit(id[i]))
            {
                return $"character {i + 1} must be a digit but is {IdentifierText.Describe(id[i])}";
            }
        }

        var last = id[Length - 1];
        if (!char.IsAsciiDigit(last) && last is not ('X' or 'x'))
        {
            return $"check character (character 18) must be a digit or 'X' but is {IdentifierText.Describe(last)}";
        }

        // Address codes begin with the region digit 1-8 (north China 1 ... south-west 5, north-west 6, 7/8 for
        // Taiwan, Hong Kong and Macao); 0 and 9 are never issued.
        if (id[0] is < '1' or > '8')
        {
            return $"address code must start with a region digit 1-8 but starts with '{id[0]}'";
        }

        var birthDate = id.Slice(6, 8);
        var year = IdentifierText.ParseDigits(birthDate[..4]);
        var month = IdentifierText.ParseDigits(birthDate.Slice(4, 2));
        var day = IdentifierText.ParseDigits(birthDate.Slice(6, 2));
        if (year < 1900)
        {
            return $"birth year {year} is before 1900";
        }

        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return $"birth date {birthDate} is not a valid date";
        }

        if (new DateOnly(year, month, day) > today)
        {
            return $"birth date {birthDate} is in the future";
        }

        var expected = ComputeCheckCharacter(id);
        if (char.ToUpperInvariant(last) != expected)
        {
            return $"check character should be '{expected}' but is '{last}'";
        }

        return null;
    }
}
