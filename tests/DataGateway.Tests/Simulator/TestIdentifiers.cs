namespace DataGateway.Tests.Simulator;

/// <summary>
/// Check characters computed here, independently of the validators under test, from the standards' definitions.
/// </summary>
internal static class TestIdentifiers
{
    private static readonly int[] ResidentWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private static readonly int[] CreditWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    private const string CreditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    /// <summary>GB 11643: S = Σ digit × weight; check = "10X98765432"[S mod 11].</summary>
    public static char ResidentCheck(string first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (first17[i] - '0') * ResidentWeights[i];
        }

        return "10X98765432"[sum % 11];
    }

    /// <summary>GB 32100: S = Σ value × weight; check = alphabet[(31 − S mod 31) mod 31].</summary>
    public static char CreditCheck(string first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += CreditAlphabet.IndexOf(first17[i], StringComparison.Ordinal) * CreditWeights[i];
        }

        return CreditAlphabet[(31 - (sum % 31)) % 31];
    }

    public static bool IsValidResidentId(string id) =>
        id.Length == 18 && id[..17].All(char.IsAsciiDigit) && id[17] == ResidentCheck(id);

    public static bool IsValidCreditCode(string code) =>
        code.Length == 18 && code.All(c => CreditAlphabet.Contains(c, StringComparison.Ordinal)) && code[17] == CreditCheck(code);

    /// <summary>A valid Shangyu resident ID for a person born on <paramref name="birth"/> with sequence <paramref name="sequence"/>.</summary>
    public static string Person(DateOnly birth, int sequence)
    {
        var first17 = $"330604{birth:yyyyMMdd}{sequence:D3}";
        return first17 + ResidentCheck(first17);
    }

    /// <summary><paramref name="count"/> distinct valid resident IDs, deterministic.</summary>
    public static IReadOnlyList<string> People(int count) =>
        [.. Enumerable.Range(0, count).Select(i => Person(new DateOnly(1960, 1, 1).AddDays(i * 397), 10 + i))];
}
