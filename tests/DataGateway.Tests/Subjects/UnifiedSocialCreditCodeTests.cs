using DataGateway.Domain.Subjects;

namespace DataGateway.Tests.Subjects;

public sealed class UnifiedSocialCreditCodeTests
{
    [Theory]
    [InlineData("91330604MA2BC1234P")] // enterprise registered in Shangyu
    [InlineData("913306041462456780")] // check character 0
    [InlineData("92330604MA2D0H1K38")] // individual business
    [InlineData("12330604002496271F")] // public institution (编制)
    [InlineData("51330604MJ9876543C")] // association (民政)
    [InlineData("Y1330604MA2JW0R0N0")] // other registering authority
    [InlineData("93330604MA29PQRT2U")] // farmers' cooperative
    public void TryValidate_ValidCode_ReturnsSameInstance(string code)
    {
        var valid = UnifiedSocialCreditCode.TryValidate(code, out var normalised, out var error);

        Assert.True(valid, error);
        Assert.Same(code, normalised);
    }

    [Theory]
    [InlineData("91330604ma2bc1234p", "91330604MA2BC1234P")]
    [InlineData("y1330604ma2jw0r0n0", "Y1330604MA2JW0R0N0")]
    [InlineData("91330604MA2BC1234p", "91330604MA2BC1234P")]
    public void TryValidate_LowerCase_NormalisesToUpperCase(string code, string expected)
    {
        var valid = UnifiedSocialCreditCode.TryValidate(code, out var normalised, out var error);

        Assert.True(valid, error);
        Assert.Equal(expected, normalised);
    }

    [Theory]
    [InlineData(null, "is required")]
    [InlineData("", "is required")]
    [InlineData("91330604MA2BC1234", "must be 18 characters (got 17)")]
    [InlineData("91330604MA2BC1234PP", "must be 18 characters (got 19)")]
    [InlineData("91330604MA2BC1234 ", "character 18 must be a digit or a capital letter other than I, O, S, V, Z but is a space")]
    [InlineData("91330604MA2BC-234P", "character 14 must be a digit or a capital letter other than I, O, S, V, Z but is '-'")]
    [InlineData("91330604MA2BCI234P", "character 14 is 'I', a letter the code never uses (no I, O, S, V or Z; did you mean a digit?)")]
    [InlineData("91330604MA2BCO234P", "character 14 is 'O', a letter the code never uses (no I, O, S, V or Z; did you mean a digit?)")]
    [InlineData("91330604MA2BCS234P", "character 14 is 'S', a letter the code never uses (no I, O, S, V or Z; did you mean a digit?)")]
    [InlineData("91330604MA2BCV234P", "character 14 is 'V', a letter the code never uses (no I, O, S, V or Z; did you mean a digit?)")]
    [InlineData("91330604MA2BCZ234P", "character 14 is 'Z', a letter the code never uses (no I, O, S, V or Z; did you mean a digit?)")]
    [InlineData("91330604MA2BCo234P", "character 14 is 'o', a letter the code never uses (no I, O, S, V or Z; did you mean a digit?)")]
    [InlineData("01330604MA2BC1234P", "registering authority (character 1) must be one of 1-9, A, N, Y but is '0'")]
    [InlineData("B1330604MA2BC1234P", "registering authority (character 1) must be one of 1-9, A, N, Y but is 'B'")]
    [InlineData("9133A604MA2BC1234P", "administrative code (characters 3-8) must be digits but character 5 is 'A'")]
    [InlineData("91330604MA2BC1234Q", "check character should be 'P' but is 'Q'")]
    [InlineData("91330604MA2BC1243P", "check character should be 'M' but is 'P'")]
    public void TryValidate_InvalidCode_ExplainsWhy(string? code, string expectedError)
    {
        var valid = UnifiedSocialCreditCode.TryValidate(code, out var normalised, out var error);

        Assert.False(valid);
        Assert.Null(normalised);
        Assert.Equal(expectedError, error);
    }

    [Fact]
    public void ComputeCheckCharacter_First17_ReturnsStandardCheckCharacter()
    {
        Assert.Equal('P', UnifiedSocialCreditCode.ComputeCheckCharacter("91330604MA2BC1234"));
    }
}
