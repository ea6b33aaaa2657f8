using System.Diagnostics.CodeAnalysis;

namespace DataGateway.Domain.Subjects;

/// <summary>
/// The 18-character unified social credit code of GB 32100-2015 that identifies an organisation: registering
/// authority (1), organisation type (2), administrative code (3-8), subject identifier (9-17), check character (18),
/// over the 31 characters 0-9 and A-Z without I, O, S, V and Z.
/// </summary>
/// <remarks>
/// <para>
/// Lower-case letters are accepted and normalised to upper case. The alphabet is defined in capitals, but a lower-case
/// letter cannot be confused with another code character, so it is unambiguous; the checksum is then verified on the
/// upper-case form. The excluded letters are refused in either case, because they usually mean a digit was misread
/// (O for 0, I for 1, S for 5, Z for 2) and guessing which one would query the wrong organisation.
/// </para>
/// <para>Whitespace is refused, not trimmed.</para>
/// </remarks>
public static class UnifiedSocialCreditCode
{
    /// <summary>Length of a unified social credit code.</summary>
    public const int Length = 18;

    /// <summary>The code alphabet; a character's index is its value in the checksum.</summary>
    public const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    // 1 编制, 2 外交, 3 司法行政, 4 文化, 5 民政, 6 旅游, 7 宗教, 8 工会, 9 工商 (market regulation),
    // A 中央军委改革和编制办公室, N 农业, Y other.
    private const string RegisteringAuthorities = "123456789ANY";

    private static ReadOnlySpan<byte> Weights => [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    /// <summary>Validates <paramref name="value"/> and returns it in canonical (upper-case) form.</summary>
    /// <param name="value">The code as the user sent it.</param>
    /// <param name="normalised">The canonical code; the same instance as <paramref name="value"/> when it already was.</param>
    /// <param name="error">Why the code is refused, phrased to follow "&lt;field&gt;: ".</param>
    public static bool TryValidate(
        string? value,
        [NotNullWhen(true)] out string? normalised,
        [NotNullWhen(false)] out string? error)
    {
        normalised = null;
        error = Validate(value, out var hasLowerCase);
        if (error is not null)
        {
            return false;
        }

        // A resident ID can pass the credit-code checksum by chance (330682197803150113 does); taking it as an
        // organisation would ask units the wrong question and file the person under another kind of identifier.
        if (ResidentIdNumber.TryValidate(value, DateOnly.MaxValue, out _, out _))
        {
            error = "is a resident identity number, not a credit code: send it as idNumber";
            return false;
        }

        normalised = hasLowerCase ? value!.ToUpperInvariant() : value!;
        return true;
    }

    /// <summary>The check character that the first 17 characters (upper case, from <see cref="Alphabet"/>) call for.</summary>
    /// <exception cref="ArgumentException">Fewer than 17 characters, or one outside the alphabet.</exception>
    public static char ComputeCheckCharacter(ReadOnlySpan<char> first17)
    {
        if (first17.Length < Length - 1)
        {
            throw new ArgumentException($"Need at least {Length - 1} characters.", nameof(first17));
        }

        var sum = 0;
        for (var i = 0; i < Length - 1; i++)
        {
            var index = Alphabet.IndexOf(first17[i], StringComparison.Ordinal);
            if (index < 0)
            {
                throw new ArgumentException($"Character {i + 1} is not in the code alphabet.", nameof(first17));
            }

            sum += index * Weights[i];
        }

        return Alphabet[(31 - (sum % 31)) % 31];
    }

    private static string? Validate(string? value, out bool hasLowerCase)
    {
        hasLowerCase = false;
        if (string.IsNullOrEmpty(value))
        {
            return "is required";
        }

        var code = value.AsSpan();
        if (code.Length != Length)
        {
            return $"must be {Length} characters (got {code.Length})";
        }

        var sum = 0;
        for (var i = 0; i < Length; i++)
        {
            var c = code[i];
            if (char.IsAsciiLetterLower(c))
            {
                hasLowerCase = true;
                c = (char)(c - ('a' - 'A'));
            }

            var index = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (index < 0)
            {
                return c is 'I' or 'O' or 'S' or 'V' or 'Z'
                    ? $"character {i + 1} is '{code[i]}', a letter the code never uses (no I, O, S, V or Z; did you mean a digit?)"
                    : $"character {i + 1} must be a digit or a capital letter other than I, O, S, V, Z but is {IdentifierText.Describe(code[i])}";
            }

            if (i == 0 && !RegisteringAuthorities.Contains(c, StringComparison.Ordinal))
            {
                return $"registering authority (character 1) must be one of 1-9, A, N, Y but is '{code[i]}'";
            }

            if (i is >= 2 and <= 7 && !char.IsAsciiDigit(c))
            {
                return $"administrative code (characters 3-8) must be digits but character {i + 1} is '{code[i]}'";
            }

            if (i < Length - 1)
            {
                sum += index * Weights[i];
            }
        }

        var expected = Alphabet[(31 - (sum % 31)) % 31];
        var actual = char.ToUpperInvariant(code[Length - 1]);
        if (actual != expected)
        {
            return $"check character should be '{expected}' but is '{code[Length - 1]}'";
        }

        return null;
    }
}
