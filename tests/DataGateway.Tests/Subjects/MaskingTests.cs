using DataGateway.Domain.Subjects;

namespace DataGateway.Tests.Subjects;

public sealed class MaskingTests
{
    [Theory]
    [InlineData("330604198506151238", "330604********1238")]
    [InlineData("34052419800101001X", "340524********001X")]
    public void MaskIdNumber_ValidLength_KeepsAddressCodeAndLastFour(string id, string expected)
    {
        Assert.Equal(expected, Masking.MaskIdNumber(id));
    }

    [Theory]
    [InlineData("330604850615123", "***************")]
    [InlineData("3306041985061512381", "*******************")]
    [InlineData("", "")]
    public void MaskIdNumber_UnexpectedLength_MasksEverything(string id, string expected)
    {
        Assert.Equal(expected, Masking.MaskIdNumber(id));
    }

    [Theory]
    [InlineData("91330604MA2BC1234P", "91330604********4P")]
    [InlineData("91330604MA2BC", "*************")]
    public void MaskCreditCode_Code_KeepsAuthorityTypeAndAreaOnly(string code, string expected)
    {
        Assert.Equal(expected, Masking.MaskCreditCode(code));
    }
}
