using DataGateway.Domain.Subjects;

namespace DataGateway.Tests.Subjects;

public sealed class ResidentIdNumberTests
{
    private static readonly DateOnly Today = new(2025, 6, 1);

    [Theory]
    [InlineData("34052419800101001X")] // the example published with the standard's reference code
    [InlineData("330604198506151238")] // Shangyu district
    [InlineData("330682196202284568")] // former county-level city code, still on older cards
    [InlineData("330604200002290023")] // 29 February of a leap year
    [InlineData("11010519491231002X")]
    [InlineData("330604190001010011")] // earliest accepted year
    [InlineData("330604202506010012")] // born today
    public void TryValidate_ValidNumber_ReturnsSameInstance(string id)
    {
        var valid = ResidentIdNumber.TryValidate(id, Today, out var normalised, out var error);

        Assert.True(valid, error);
        Assert.Same(id, normalised);
        Assert.Null(error);
    }

    [Fact]
    public void TryValidate_LowerCaseX_NormalisesToUpperCase()
    {
        var valid = ResidentIdNumber.TryValidate("34052419800101001x", Today, out var normalised, out _);

        Assert.True(valid);
        Assert.Equal("34052419800101001X", normalised);
    }

    [Theory]
    [InlineData(null, "is required")]
    [InlineData("", "is required")]
    [InlineData("34052419800101001", "must be 18 characters (got 17)")]
    [InlineData("34052419800101001X1", "must be 18 characters (got 19)")]
    [InlineData("330604800101001", "must be 18 characters (got 15); convert first-generation 15-digit numbers to the 18-character form")]
    [InlineData(" 34052419800101001X", "must be 18 characters (got 19)")]
    [InlineData("3405241980010100 X", "character 17 must be a digit but is a space")]
    [InlineData("3405241980O101001X", "character 11 must be a digit but is 'O'")]
    [InlineData("34052419800101001\t", "check character (character 18) must be a digit or 'X' but is whitespace U+0009")]
    [InlineData("34052419800101001Y", "check character (character 18) must be a digit or 'X' but is 'Y'")]
    [InlineData("93060419800101001X", "address code must start with a region digit 1-8 but starts with '9'")]
    [InlineData("030604198001010017", "address code must start with a region digit 1-8 but starts with '0'")]
    [InlineData("330604198002300017", "birth date 19800230 is not a valid date")]
    [InlineData("330604198013010015", "birth date 19801301 is not a valid date")]
    [InlineData("330604198001000012", "birth date 19800100 is not a valid date")]
    [InlineData("330604198001320016", "birth date 19800132 is not a valid date")]
    [InlineData("330604196202290029", "birth date 19620229 is not a valid date")]
    [InlineData("330604189912310017", "birth year 1899 is before 1900")]
    [InlineData("330604202506020018", "birth date 20250602 is in the future")]
    [InlineData("340524198001010013", "check character should be 'X' but is '3'")]
    [InlineData("330604198506151239", "check character should be '8' but is '9'")]
    public void TryValidate_InvalidNumber_ExplainsWhy(string? id, string expectedError)
    {
        var valid = ResidentIdNumber.TryValidate(id, Today, out var normalised, out var error);

        Assert.False(valid);
        Assert.Null(normalised);
        Assert.Equal(expectedError, error);
    }

    [Theory]
    [InlineData("340524198001010013")]
    [InlineData("330604198506151230")]
    [InlineData("33060419800230001")]
    public void TryValidate_InvalidNumber_NeverEchoesTheNumber(string id)
    {
        ResidentIdNumber.TryValidate(id, Today, out _, out var error);

        Assert.NotNull(error);
        Assert.DoesNotContain(id, error, StringComparison.Ordinal);
        Assert.DoesNotContain(id[..14], error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("34052419800101001", 'X')]
    [InlineData("33060419850615123", '8')]
    public void ComputeCheckCharacter_First17Digits_ReturnsStandardCheckCharacter(string first17, char expected)
    {
        Assert.Equal(expected, ResidentIdNumber.ComputeCheckCharacter(first17));
    }
}
