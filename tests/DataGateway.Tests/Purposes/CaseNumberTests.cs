using DataGateway.Domain.Purposes;

namespace DataGateway.Tests.Purposes;

public sealed class CaseNumberTests
{
    private static readonly DateOnly Today = new(2025, 6, 1);

    [Theory]
    [InlineData("(2023)浙0604执1234号", 2023, "浙0604", "执", 1234)]
    [InlineData("(2023)浙0604执恢12号", 2023, "浙0604", "执恢", 12)]
    [InlineData("(2024)浙0604执保1号", 2024, "浙0604", "执保", 1)]
    [InlineData("(2022)浙0604执异88号", 2022, "浙0604", "执异", 88)]
    [InlineData("(2021)浙0602执复999999号", 2021, "浙0602", "执复", 999999)]
    [InlineData("(2020)浙0604执监5号", 2020, "浙0604", "执监", 5)]
    [InlineData("(1990)浙0604执协7号", 1990, "浙0604", "执协", 7)]
    [InlineData("(2025)浙0604执他3号", 2025, "浙0604", "执他", 3)]
    public void TryParse_EnforcementCaseNumber_ReturnsParts(string value, int year, string court, string type, int sequence)
    {
        var parsed = CaseNumber.TryParse(value, Today, out var caseNumber, out var error);

        Assert.True(parsed, error);
        Assert.NotNull(caseNumber);
        Assert.Equal(new CaseNumber(year, court, type, sequence), caseNumber);
        Assert.True(caseNumber.IsEnforcement);
        Assert.Equal(value, caseNumber.ToString());
    }

    [Theory]
    [InlineData("（2023）浙0604执1234号")]
    [InlineData("（2023)浙0604执1234号")]
    [InlineData("(2023）浙0604执1234号")]
    public void TryParse_FullWidthParentheses_NormalisesToAscii(string value)
    {
        var parsed = CaseNumber.TryParse(value, Today, out var caseNumber, out var error);

        Assert.True(parsed, error);
        Assert.Equal("(2023)浙0604执1234号", caseNumber?.ToString());
    }

    [Fact]
    public void TryParse_LeadingZerosInSequence_ToStringDropsThem()
    {
        Assert.True(CaseNumber.TryParse("(2023)浙0604执0012号", Today, out var caseNumber, out _));

        Assert.Equal(12, caseNumber.Sequence);
        Assert.Equal("(2023)浙0604执12号", caseNumber.ToString());
    }

    [Theory]
    [InlineData(null, "is required")]
    [InlineData("", "is required")]
    [InlineData("2023浙0604执1234号", "must look like (2023)浙0604执1234号")]
    [InlineData("[2023]浙0604执1234号", "must look like (2023)浙0604执1234号")]
    [InlineData("(23)浙0604执1234号", "must look like (2023)浙0604执1234号")]
    [InlineData("(２０２３)浙0604执1234号", "year must be 4 digits in parentheses, as in (2023)")]
    [InlineData("(2023)浙0604执1234", "must end with 号 right after the sequence, as in (2023)浙0604执1234号")]
    [InlineData("(2023)浙0604执1234号码", "unexpected text after 号")]
    [InlineData("(2023)苏0604执1234号", "court code must start with 浙 (Zhejiang) but starts with '苏'")]
    [InlineData("(2023)0604执1234号", "court code must start with 浙 (Zhejiang) but starts with '0'")]
    [InlineData("(2023)", "court code is missing; it must look like (2023)浙0604执1234号")]
    [InlineData("(2023)浙06执1234号", "court code must be 浙 followed by 4 digits, as in 浙0604")]
    [InlineData("(2023)浙0604民初1234号", "case type '民初' is not an enforcement case type (执, 执恢, 执保, 执异, 执复, 执监, 执协, 执他)")]
    [InlineData("(2023)浙0604执行1234号", "case type '执行' is not an enforcement case type (执, 执恢, 执保, 执异, 执复, 执监, 执协, 执他)")]
    [InlineData("(2023)浙06041234号", "case type is missing after the court code; enforcement types are 执, 执恢, 执保, 执异, 执复, 执监, 执协, 执他")]
    [InlineData("(2023)浙0604执号", "sequence is missing; it must look like (2023)浙0604执1234号")]
    [InlineData("(1989)浙0604执1234号", "year 1989 is outside 1990-2025")]
    [InlineData("(2026)浙0604执1234号", "year 2026 is outside 1990-2025")]
    [InlineData("(2023)浙0604执0号", "sequence must be at least 1")]
    [InlineData("(2023)浙0604执1234567号", "sequence must have at most 6 digits (got 7)")]
    [InlineData("(2023)浙0604执 1234号", "must not contain spaces (found one at character 13); it must look like (2023)浙0604执1234号")]
    [InlineData(" (2023)浙0604执1234号", "must not contain spaces (found one at character 1); it must look like (2023)浙0604执1234号")]
    [InlineData("(2023)浙0604执1234号\u3000", "must not contain spaces (found one at character 18); it must look like (2023)浙0604执1234号")]
    public void TryParse_Invalid_ExplainsWhy(string? value, string expectedError)
    {
        var parsed = CaseNumber.TryParse(value, Today, out var caseNumber, out var error);

        Assert.False(parsed);
        Assert.Null(caseNumber);
        Assert.Equal(expectedError, error);
    }

    [Fact]
    public void IsEnforcement_CivilCaseType_IsFalse()
    {
        Assert.False(new CaseNumber(2023, "浙0604", "民初", 1).IsEnforcement);
    }
}
