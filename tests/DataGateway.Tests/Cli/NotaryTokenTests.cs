using System.CommandLine;
using DataGateway.Cli;
using DataGateway.Domain.Identity;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace DataGateway.Tests.Cli;

/// <summary><c>dgw token --role notary --notary-office</c>: the claim an estate inquiry's file is checked against.</summary>
public sealed class NotaryTokenTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 6, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    private CliContext Context => new() { TimeProvider = _clock, BaseDirectory = AppContext.BaseDirectory };

    public void Dispose()
    {
        _output.Dispose();
        _error.Dispose();
    }

    [Fact]
    public async Task Token_NotaryWithOffice_CarriesTheNotaryOfficeClaim()
    {
        var exitCode = await RunAsync("token", "--role", "notary", "--sub", "notary-zhou", "--notary-office", "浙绍上");

        Assert.Equal(ExitCodes.Success, exitCode);
        var token = new JsonWebToken(_output.ToString().Trim());
        Assert.Equal("浙绍上", token.GetPayloadValue<string>(GatewayClaimTypes.NotaryOffice));
        Assert.Equal(["notary"], token.GetPayloadValue<string[]>(GatewayClaimTypes.Roles));
    }

    [Fact]
    public async Task Token_AgencyAdminWithDistrictScope_CarriesTheScopeClaim()
    {
        var exitCode = await RunAsync("token", "--role", "agency-admin", "--sub", "admin-district", "--scope", "district");

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Equal("district", new JsonWebToken(_output.ToString().Trim()).GetPayloadValue<string>(GatewayClaimTypes.Scope));
    }

    [Fact]
    public async Task Token_WithoutOffice_HasNoNotaryOfficeClaim()
    {
        await RunAsync("token", "--role", "notary");

        Assert.False(new JsonWebToken(_output.ToString().Trim()).TryGetPayloadValue<string>(GatewayClaimTypes.NotaryOffice, out _));
    }

    [Theory]
    [InlineData("苏锡")]
    [InlineData("浙0604")]
    [InlineData("浙")]
    public async Task Token_MalformedOffice_ExitsWithUsageErrorAndNoToken(string office)
    {
        var exitCode = await RunAsync("token", "--role", "notary", "--notary-office", office);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal("", _output.ToString());
        Assert.Contains($"notary office '{office}' must be 浙 followed by 1 to 3 Chinese characters", _error.ToString(), StringComparison.Ordinal);
    }

    private Task<int> RunAsync(params string[] args) =>
        DgwCommandLine.InvokeAsync(args, new InvocationConfiguration { Output = _output, Error = _error }, Context);
}
