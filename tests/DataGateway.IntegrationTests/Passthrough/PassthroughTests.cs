using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using DataGateway.Domain.Identity;
using DataGateway.Features.Passthrough;
using DataGateway.IntegrationTests.Audit;
using DataGateway.IntegrationTests.Infrastructure;
using DataGateway.Simulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace DataGateway.IntegrationTests.Passthrough;

public sealed class PassthroughTests
{
    private const string Unit = "tax-bureau";
    private const string Path = $"/v1/units/{Unit}/passthrough/holdings";

    private static string Company => GatewayTestHost.Personas.WithTag("company").CreditCode!;

    private static HttpRequestMessage Call(string? caseNumber = Requests.CaseNumber, string? subject = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Path);
        if (caseNumber is not null)
        {
            request.Headers.Add(PassthroughGate.CaseHeader, Uri.EscapeDataString(caseNumber));
        }

        request.Headers.Add(PassthroughGate.SubjectHeader, subject ?? Company);
        return request;
    }

    private static List<(string Outcome, string? Detail)> Records(GatewayTestHost host)
    {
        using var store = host.OpenStore();
        return [.. store.Query<(string, string?)>("SELECT outcome, detail FROM audit_records WHERE kind = 'pass-through' ORDER BY sequence")];
    }

    [Fact]
    public async Task Call_ReachesTheUnit_AsTheGateway_WithPurposeHeaders_AndWithoutTheCallersToken()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var client = host.Rest(Requests.JudgeToken);

        using var response = await client.SendAsync(Call());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(Unit, body.GetProperty("unitId").GetString());
        Assert.NotEmpty(body.GetProperty("holdings").EnumerateArray());
        Assert.False(response.Headers.Contains("X-Internal-Trace"));
        Assert.False(response.Headers.Contains("Server"));

        var received = Assert.Single(host.Simulator.HttpRequests.To(Unit), r => r.Path.Contains("/api/", StringComparison.Ordinal));
        var credential = host.Services.GetRequiredService<IOptions<PassthroughOptions>>().Value.DevelopmentCredential;
        Assert.Equal("/units/tax-bureau/api/holdings", received.Path);
        Assert.Equal("Bearer " + credential, received.Headers["Authorization"]);
        Assert.DoesNotContain(Requests.JudgeToken, received.Headers.Values);
        Assert.Equal(Requests.CaseNumber, Uri.UnescapeDataString(received.Headers["X-DataGateway-Case"]));
        Assert.Equal(Company, received.Headers["X-DataGateway-Subject"]);
        Assert.Matches("^[0-9a-f]{32}$", received.Headers["X-DataGateway-Requester"]);
        Assert.True(received.Headers.ContainsKey("X-DataGateway-Request-Id"));
        Assert.False(received.Headers.ContainsKey(PassthroughGate.CaseHeader));
        Assert.False(received.Headers.ContainsKey(PassthroughGate.SubjectHeader));
        Assert.Equal([("forwarded", (string?)"GET forwarded")], Records(host));
    }

    [Fact]
    public async Task Call_WhoseRecordCannotBeWritten_Is503_AndTheUnitsBodyNeverReachesTheCaller()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var client = host.Rest(Requests.JudgeToken);
        host.RefuseAuditWrites();

        using var response = await client.SendAsync(Call());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("\"unitId\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain(Company, body, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("X-Internal-Trace"));
        // The record is written while the call travels: the unit was asked; the caller was told nothing.
        Assert.Single(host.Simulator.HttpRequests.To(Unit), r => r.Path.Contains("/api/", StringComparison.Ordinal));
        Assert.Empty(Records(host));
    }

    [Fact]
    public async Task Call_TheUnitFails_IsRelayed_AndRecordedAsForwardedThenFailed()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var client = host.Rest(Requests.JudgeToken);
        host.Simulator.Behaviours.SetFault(Unit, new UnitFault { Mode = FaultMode.Down });

        // Before any health probe has taken the destination out, the call reaches the unit, which answers 503.
        using var response = await client.SendAsync(Call());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal([("forwarded", (string?)"GET forwarded"), ("failed", "GET answered HTTP 503")], Records(host));
    }

    [Fact]
    public async Task Call_WithoutAPurpose_Is400_AndNothingIsForwarded()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var client = host.Rest(Requests.JudgeToken);

        using var response = await client.SendAsync(Call(caseNumber: null));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(PassthroughGate.CaseHeader, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        Assert.DoesNotContain(host.Simulator.HttpRequests.To(Unit), r => r.Path.Contains("/api/", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Roles.Notary)]
    [InlineData(Roles.Auditor)]
    public async Task Call_WithAWrongRole_Is403_AndNothingIsForwarded(string role)
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var client = host.Rest(GatewayTestHost.Token(role));

        using var response = await client.SendAsync(Call());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(host.Simulator.HttpRequests.To(Unit), r => r.Path.Contains("/api/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Call_UnderAnotherJudgesCase_Is403_Audited_AndNothingIsForwarded()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var client = host.Rest(Requests.JudgeToken);

        using var response = await client.SendAsync(Call(caseNumber: Requests.LiCaseNumber));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(host.Simulator.HttpRequests.To(Unit), r => r.Path.Contains("/api/", StringComparison.Ordinal));
        Assert.Equal("denied", Assert.Single(Records(host)).Outcome);
    }

    [Fact]
    public async Task UnhealthyCluster_IsTakenOut_AndBroughtBack()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var client = host.Rest(Requests.JudgeToken);
        var proxy = host.Services.GetRequiredService<IProxyStateLookup>();
        host.Simulator.Behaviours.SetFault(Unit, new UnitFault { Mode = FaultMode.Down });

        await ProbeUntilAsync(host, proxy, DestinationHealth.Unhealthy);
        using var whileOut = await client.SendAsync(Call());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, whileOut.StatusCode);
        Assert.Equal([("forwarded", (string?)"GET forwarded"), ("failed", "GET not forwarded: NoAvailableDestinations")], Records(host));

        host.Simulator.Behaviours.ClearFault(Unit);
        await ProbeUntilAsync(host, proxy, DestinationHealth.Healthy);
        using var back = await client.SendAsync(Call());
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
    }

    /// <summary>Advances the fake clock one probe interval at a time until the active health check reaches <paramref name="expected"/>.</summary>
    private static async Task ProbeUntilAsync(GatewayTestHost host, IProxyStateLookup proxy, DestinationHealth expected)
    {
        for (var probe = 0; probe < 10; probe++)
        {
            host.Time.Advance(TimeSpan.FromSeconds(10));
            try
            {
                // The probe is a real HTTP call to the simulator: wait for its outcome, not for the clock.
                // ... and for YARP to rebuild the cluster's available destinations from it, which follows the health state.
                await Eventually.HoldsAsync(() => HealthOf(proxy) == expected && Available(proxy) == (expected == DestinationHealth.Healthy), TimeSpan.FromSeconds(2));
                return;
            }
            catch (TimeoutException)
            {
            }
        }

        throw new Xunit.Sdk.XunitException(
            $"the destination never became {expected} (now {HealthOf(proxy)}); the unit saw: "
            + string.Join(", ", host.Simulator.HttpRequests.To(Unit).Select(r => r.Path)));
    }

    private static bool Available(IProxyStateLookup proxy) =>
        proxy.TryGetCluster(Unit, out var cluster) && cluster.DestinationsState.AvailableDestinations.Count > 0;

    private static DestinationHealth HealthOf(IProxyStateLookup proxy) =>
        proxy.TryGetCluster(Unit, out var cluster) ? cluster.Destinations.Values.Single().Health.Active : DestinationHealth.Unknown;
}
