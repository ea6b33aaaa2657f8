namespace DataGateway.Domain.Purposes;

/// <summary>
/// What court case numbers and notarial file numbers share: no whitespace, a "(year)" head (full-width parentheses
/// accepted) and a "sequence号" tail. Messages are phrased to follow "&lt;field&gt;: ".
/// </summary>
internal static class NumberText
{
    public const char NumberSuffix = '号';

    /// <summary>Checks the value is present, has no whitespace and starts with "(YYYY)" in range; the rest follows it.</summary>
    public static string? ReadYear(string? value, DateOnly today, int minimumYear, string example, string yearExample, out int year)
    {
        year = 0;
        if (string.IsNullOrEmpty(value))
        {
            return "is required";
        }

        var text = value.AsSpan();
        var whitespace = text.IndexOfAny(" \t\r\n\u3000");
        if (whitespace >= 0)
        {
            return $"must not contain spaces (found one at character {whitespace + 1}); it must look like {example}";
        }

        if (text.Length < 6 || text[0] is not ('(' or '（') || text[5] is not (')' or '）'))
        {
            return $"must look like {example}";
        }

        var yearText = text.Slice(1, 4);
        if (yearText.ContainsAnyExceptInRange('0', '9'))
        {
            return $"year must be 4 digits in parentheses, as in {yearExample}";
        }

        year = int.Parse(yearText, provider: null);
        return year < minimumYear || year > today.Year ? $"year {year} is outside {minimumYear}-{today.Year}" : null;
    }

    /// <summary>Reads "digits号" as the whole of <paramref name="rest"/>.</summary>
    public static string? ReadSequence(ReadOnlySpan<char> rest, int maximumDigits, string example, out int sequence)
    {
        sequence = 0;
        var length = rest.IndexOfAnyExceptInRange('0', '9');
        if (length < 0 || rest[length] != NumberSuffix)
        {
            return $"must end with {NumberSuffix} right after the sequence, as in {example}";
        }

        if (length != rest.Length - 1)
        {
            return $"unexpected text after {NumberSuffix}";
        }

        if (length > maximumDigits)
        {
            return $"sequence must have at most {maximumDigits} digits (got {length})";
        }

        sequence = int.Parse(rest[..length], provider: null);
        return sequence < 1 ? "sequence must be at least 1" : null;
    }
}
