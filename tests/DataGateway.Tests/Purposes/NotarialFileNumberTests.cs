using DataGateway.Domain.Purposes;

namespace DataGateway.Tests.Purposes;

public sealed class NotarialFileNumberTests
{
    private static readonly DateOnly Today = new(2025, 6, 1);

    [Theory]
    [InlineData("(2025)浙绍上证民字第1234号", 2025, "浙绍上", "证民字", 1234)]
    [InlineData("(2019)浙绍上证字第1号", 2019, "浙绍上", "证字", 1)]
    [InlineData("(2020)浙杭钱证经字第999999号", 2020, "浙杭钱", "证经字", 999999)]
    [InlineData("(1990)浙绍证内字第7号", 1990, "浙绍", "证内字", 7)]
    [InlineData("(2024)浙甬海曙证外字第35号", 2024, "浙甬海曙", "证外字", 35)]
    public void TryParse_FileNumber_ReturnsParts(string value, int year, string office, string type, int sequence)
    {
        var parsed = NotarialFileNumber.TryParse(value, Today, out var file, out var error);

        Assert.True(parsed, error);
        Assert.NotNull(file);
        Assert.Equal(new NotarialFileNumber(year, office, type, sequence), file);
        Assert.Equal(value, file.ToString());
    }

    [Fact]
    public void TryParse_FullWidthParenthesesAndLeadingZeros_GivesCanonicalForm()
    {
        Assert.True(NotarialFileNumber.TryParse("（2025）浙绍上证民字第0012号", Today, out var file, out var error), error);

        Assert.Equal("(2025)浙绍上证民字第12号", file.ToString());
        Assert.Same(NotarialFileNumber.ShangyuOfficeCode, file.OfficeCode);
    }

    [Theory]
    [InlineData("(2025)浙绍上证民字第1号", true)]
    [InlineData("(2025)浙绍上证字第1号", true)]
    [InlineData("(2025)浙绍上证经字第1号", false)]
    [InlineData("(2025)浙绍上证外字第1号", false)]
    public void IsCivil_ByType_OnlyCivilAndGeneralFiles(string value, bool civil)
    {
        Assert.True(NotarialFileNumber.TryParse(value, Today, out var file, out _));

        Assert.Equal(civil, file.IsCivil);
    }

    [Theory]
    [InlineData(null, "is required")]
    [InlineData("", "is required")]
    [InlineData("2025浙绍上证民字第1234号", "must look like (2025)浙绍上证民字第1234号")]
    [InlineData("(25)浙绍上证民字第1234号", "must look like (2025)浙绍上证民字第1234号")]
    [InlineData("(20a5)浙绍上证民字第1234号", "year must be 4 digits in parentheses, as in (2025)")]
    [InlineData("(2026)浙绍上证民字第1234号", "year 2026 is outside 1990-2025")]
    [InlineData("(1989)浙绍上证民字第1234号", "year 1989 is outside 1990-2025")]
    [InlineData("(2025)苏锡证民字第1234号", "notary office must start with 浙 (Zhejiang) but starts with '苏'")]
    [InlineData("(2025)", "notary office is missing; it must look like (2025)浙绍上证民字第1234号")]
    [InlineData("(2025)浙证民字第1234号", "notary office abbreviation is missing after 浙, as in 浙绍上")]
    [InlineData("(2025)浙SY证民字第1234号", "notary office must be 浙 and 1 to 3 Chinese characters, as in 浙绍上")]
    [InlineData("(2025)浙绍兴市上虞证民字第1234号", "notary office must be 浙 and 1 to 3 Chinese characters, as in 浙绍上")]
    [InlineData("(2025)浙绍上民字第1234号", "certificate type is missing; types are 证民字, 证经字, 证内字, 证外字, 证字")]
    [InlineData("(2025)浙绍上证刑字第1234号", "certificate type '证刑字' is not one of 证民字, 证经字, 证内字, 证外字, 证字")]
    [InlineData("(2025)浙绍上证民字1234号", "must have 第 before the sequence, as in (2025)浙绍上证民字第1234号")]
    [InlineData("(2025)浙绍上证民字第号", "sequence is missing after 第; it must look like (2025)浙绍上证民字第1234号")]
    [InlineData("(2025)浙绍上证民字第1234", "must end with 号 right after the sequence, as in (2025)浙绍上证民字第1234号")]
    [InlineData("(2025)浙绍上证民字第1234号之一", "unexpected text after 号")]
    [InlineData("(2025)浙绍上证民字第1234567号", "sequence must have at most 6 digits (got 7)")]
    [InlineData("(2025)浙绍上证民字第0号", "sequence must be at least 1")]
    [InlineData("(2025)浙绍上证民字第12 34号", "must not contain spaces (found one at character 16); it must look like (2025)浙绍上证民字第1234号")]
    public void TryParse_Malformed_RefusesWithReason(string? value, string expected)
    {
        var parsed = NotarialFileNumber.TryParse(value, Today, out var file, out var error);

        Assert.False(parsed);
        Assert.Null(file);
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("浙绍上", true)]
    [InlineData("浙绍", true)]
    [InlineData("浙甬海曙", true)]
    [InlineData("浙", false)]
    [InlineData("浙绍上虞区", false)]
    [InlineData("苏锡", false)]
    [InlineData("浙0604", false)]
    [InlineData("浙绍证", false)]
    [InlineData(null, false)]
    public void IsOfficeCode_Shapes_AcceptsOnlyZhejiangAbbreviations(string? value, bool expected)
    {
        Assert.Equal(expected, NotarialFileNumber.IsOfficeCode(value));
    }
}
