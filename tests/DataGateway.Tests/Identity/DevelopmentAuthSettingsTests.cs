using System.Security.Cryptography;
using DataGateway.Domain.Identity;

namespace DataGateway.Tests.Identity;

public sealed class DevelopmentAuthSettingsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("dgw-auth-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Load_RepositoryFile_HasIssuerAudienceAndLongEnoughKey()
    {
        // The build copies config/ beside the test binaries, as it does for the gateway and dgw.
        var settings = DevelopmentAuthSettings.Load(Path.Combine(AppContext.BaseDirectory, "config", DevelopmentAuthSettings.FileName));

        Assert.Equal("https://dev.datagateway.local", settings.Issuer);
        Assert.Equal("api://datagateway", settings.Audience);
        Assert.True(settings.Key().KeySize >= 256);
    }

    [Fact]
    public void ToString_Settings_LeavesOutTheKey()
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var settings = new DevelopmentAuthSettings { Issuer = "https://dev", Audience = "api://datagateway", SigningKey = key };

        Assert.DoesNotContain(key, settings.ToString(), StringComparison.Ordinal);
        Assert.Contains("api://datagateway", settings.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_NamesTheFile()
    {
        var path = Path.Combine(_directory, "absent.json");

        var ex = Assert.Throws<InvalidOperationException>(() => DevelopmentAuthSettings.Load(path));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ \"issuer\": ", "is not valid JSON")]
    [InlineData("null", "is empty")]
    [InlineData("{ \"audience\": \"api://datagateway\", \"signingKey\": \"KEY32\" }", "has no \"issuer\"")]
    [InlineData("{ \"issuer\": \"https://dev\", \"signingKey\": \"KEY32\" }", "has no \"audience\"")]
    [InlineData("{ \"issuer\": \"https://dev\", \"audience\": \"api://datagateway\" }", "has no \"signingKey\"")]
    [InlineData("{ \"issuer\": \"https://dev\", \"audience\": \"a\", \"signingKey\": \"not base64!\" }", "is not base64")]
    [InlineData("{ \"issuer\": \"https://dev\", \"audience\": \"a\", \"signingKey\": \"KEY16\" }", "is 16 bytes; HS256 needs at least 32")]
    public void Load_MalformedFile_SaysWhatIsWrong(string json, string expected)
    {
        var path = Path.Combine(_directory, "auth.json");
        File.WriteAllText(path, json
            .Replace("KEY32", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), StringComparison.Ordinal)
            .Replace("KEY16", Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)), StringComparison.Ordinal));

        var ex = Assert.Throws<InvalidOperationException>(() => DevelopmentAuthSettings.Load(path));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
