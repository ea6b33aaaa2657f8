namespace DataGateway.Domain.Subjects;

/// <summary>
/// Masks subject identifiers for responses, logs and metrics, where the full identifier must never appear.
/// </summary>
/// <remarks>
/// A value that does not have the expected length is masked completely: it may not be laid out as expected (a
/// 15-digit old ID, an ID with a stray character), so keeping "the first six" could reveal the wrong part of it.
/// </remarks>
public static class Masking
{
    private const char Mask = '*';

    /// <summary>
    /// Keeps the address code (first 6) and the last 4 of a resident ID number, hiding the birth date:
    /// <c>330604********1234</c>. Enough for a person who holds the number to recognise it, not enough to recover it.
    /// </summary>
    public static string MaskIdNumber(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return MaskMiddle(id, ResidentIdNumber.Length, keepStart: 6, keepEnd: 4);
    }

    /// <summary>
    /// Keeps the registering authority, type and administrative code (first 8) and the last 2 of a unified social
    /// credit code: <c>91330604********3X</c>. Codes of individual businesses (type 92) identify a person, so the
    /// subject identifier in positions 9-17 is hidden even though most organisations' codes are public.
    /// </summary>
    public static string MaskCreditCode(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        return MaskMiddle(code, UnifiedSocialCreditCode.Length, keepStart: 8, keepEnd: 2);
    }

    /// <summary>
    /// Masks an asset reference (account number, certificate number, unit number): keeps the first 4 and last 4
    /// characters of values longer than 12, hides all of shorter ones — enough to tell two accounts apart, not to use one.
    /// </summary>
    public static string MaskReference(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length > 12 ? MaskMiddle(value, value.Length, keepStart: 4, keepEnd: 4) : new string(Mask, value.Length);
    }

    private static string MaskMiddle(string value, int expectedLength, int keepStart, int keepEnd)
    {
        if (value.Length != expectedLength)
        {
            return new string(Mask, value.Length);
        }

        return string.Create(value.Length, (value, keepStart, keepEnd), static (span, state) =>
        {
            var (source, start, end) = state;
            span.Fill(Mask);
            source.AsSpan(0, start).CopyTo(span);
            source.AsSpan(source.Length - end).CopyTo(span[^end..]);
        });
    }
}
