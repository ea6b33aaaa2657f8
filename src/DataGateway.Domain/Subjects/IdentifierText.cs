namespace DataGateway.Domain.Subjects;

/// <summary>Small helpers the identifier validators share.</summary>
internal static class IdentifierText
{
    /// <summary>
    /// Names one character for an error message. Invisible characters get their code point, because "is ' '" does not
    /// tell a user that the culprit was a tab or a full-width space pasted from a document.
    /// </summary>
    public static string Describe(char c) => c switch
    {
        ' ' => "a space",
        _ when char.IsWhiteSpace(c) => $"whitespace U+{(int)c:X4}",
        _ when char.IsControl(c) => $"control character U+{(int)c:X4}",
        _ => $"'{c}'",
    };

    /// <summary>The value of a run of ASCII digits the caller has already checked.</summary>
    public static int ParseDigits(ReadOnlySpan<char> digits)
    {
        var value = 0;
        foreach (var c in digits)
        {
            value = (value * 10) + (c - '0');
        }

        return value;
    }
}
