using DataGateway.Cli;

namespace DataGateway.Tests.Cli;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("8h", 8 * 60)]
    [InlineData("30m", 30)]
    [InlineData("1h30m", 90)]
    [InlineData("2d", 2 * 24 * 60)]
    [InlineData("120s", 2)]
    [InlineData("8H", 8 * 60)]
    [InlineData("08:00:00", 8 * 60)]
    public void TryParse_Duration_ReturnsMinutes(string text, int minutes)
    {
        Assert.True(Durations.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMinutes(minutes), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("8")]
    [InlineData("h")]
    [InlineData("8x")]
    [InlineData("-1h")]
    [InlineData("1h 30m")]
    [InlineData("99999999999d")]
    [InlineData("99999999d")]
    public void TryParse_NotADuration_ReturnsFalse(string? text)
    {
        Assert.False(Durations.TryParse(text, out _));
    }
}
