using System.CommandLine;
using DataGateway.Cli;
using DataGateway.Domain.Identity;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace DataGateway.Tests.Cli;

public sealed class TokenCommandTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Now);
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    // The test binaries carry config/ exactly as dgw's do, so the default --auth-file resolves the same way.
    private CliContext Context => new() { TimeProvider = _clock, BaseDirectory = AppContext.BaseDirectory };

    public void Dispose()
    {
        _output.Dispose();
        _error.Dispose();
    }

    [Fact]
    public async Task Token_Judge_PrintsOnlyATokenThatValidates()
    {
        var exitCode = await RunAsync("token", "--role", "judge", "--sub", "judge-wang", "--name", "王法官", "--court", "浙0604");

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Equal("", _error.ToString());
        var token = _output.ToString().TrimEnd('\n', '\r');
        Assert.DoesNotContain('\n', token);

        var settings = DevelopmentAuthSettings.Load(Context.ConfigFile(DevelopmentAuthSettings.FileName));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, settings.CreateValidationParameters(_clock));
        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal("judge-wang", result.Claims[GatewayClaimTypes.Subject]);
        Assert.Equal("王法官", result.ClaimsIdentity.Name);
        Assert.Equal("浙0604", result.Claims[GatewayClaimTypes.Court]);
        Assert.True(result.ClaimsIdentity.HasClaim(GatewayClaimTypes.Roles, Roles.Judge));
    }

    [Fact]
    public async Task Token_RepeatedRoleAndLifetime_CarriesBothRolesAndExpiresThen()
    {
        var exitCode = await RunAsync("token", "--role", "unit", "--role", "auditor", "--unit-id", "bank-sxrcb", "--lifetime", "1h30m");

        Assert.Equal(ExitCodes.Success, exitCode);
        var token = new JsonWebToken(_output.ToString().Trim());
        Assert.Equal(["unit", "auditor"], token.GetPayloadValue<string[]>(GatewayClaimTypes.Roles));
        Assert.Equal("bank-sxrcb", token.GetPayloadValue<string>(GatewayClaimTypes.UnitId));
        Assert.Equal("dev-unit", token.Subject);
        Assert.Equal(Now.AddMinutes(90).UtcDateTime, token.ValidTo);
    }

    [Fact]
    public async Task Token_UnknownRole_ExitsWithUsageErrorNamingValidRoles()
    {
        var exitCode = await RunAsync("token", "--role", "clerk");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal("", _output.ToString());
        Assert.Contains("unknown role 'clerk' for --role; valid roles are judge, notary, agency-admin, unit, auditor", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_UnitRoleWithoutUnitId_IsRefused()
    {
        var exitCode = await RunAsync("token", "--role", "unit");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal("", _output.ToString());
        Assert.Contains("--role unit requires exactly one --unit-id", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_UnitRoleWithTwoUnits_IsRefused()
    {
        var exitCode = await RunAsync("token", "--role", "unit", "--unit-id", "bank-sxrcb,bank-mintai");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal("", _output.ToString());
        Assert.Contains("--role unit requires exactly one --unit-id", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_AgencyAdminOfSeveralUnits_CarriesThemAsAnArray()
    {
        var exitCode = await RunAsync("token", "--role", "agency-admin", "--unit-id", "bank-sxrcb,bank-mintai", "--unit-id", "realestate-registry");

        Assert.Equal(ExitCodes.Success, exitCode);
        var token = new JsonWebToken(_output.ToString().Trim());
        Assert.Equal(["bank-sxrcb", "bank-mintai", "realestate-registry"], token.GetPayloadValue<string[]>(GatewayClaimTypes.UnitId));
    }

    [Fact]
    public async Task Token_NoRole_IsRefused()
    {
        var exitCode = await RunAsync("token");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("--role", _error.ToString(), StringComparison.Ordinal);
        Assert.Contains("dgw token --help", _error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8x")]
    [InlineData("0h")]
    [InlineData("h")]
    public async Task Token_BadLifetime_IsRefused(string lifetime)
    {
        var exitCode = await RunAsync("token", "--role", "judge", "--lifetime", lifetime);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains($"--lifetime '{lifetime}' is not a positive duration", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_BadCourtCode_IsRefused()
    {
        var exitCode = await RunAsync("token", "--role", "judge", "--court", "苏0604");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal("", _output.ToString());
        Assert.Contains("court code '苏0604' must be 浙 followed by 4 digits", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_MissingAuthFile_FailsNamingTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dgw-missing-{Guid.NewGuid():N}.json");

        var exitCode = await RunAsync("token", "--role", "judge", "--auth-file", path);

        Assert.Equal(ExitCodes.Failure, exitCode);
        Assert.Equal("", _output.ToString());
        Assert.Contains($"'{path}' does not exist", _error.ToString(), StringComparison.Ordinal);
    }

    private Task<int> RunAsync(params string[] args) =>
        DgwCommandLine.InvokeAsync(args, new InvocationConfiguration { Output = _output, Error = _error }, Context);
}
