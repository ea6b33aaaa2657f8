using DataGateway.IntegrationTests.Infrastructure;

namespace DataGateway.IntegrationTests.Cases;

/// <summary>
/// One gateway (with the Development seed) shared by a test class. Tests that write use case numbers of their own,
/// so they cannot see each other's cases.
/// </summary>
public sealed class CaseHostFixture : IAsyncLifetime
{
    private int _sequence = 100_000;

    public GatewayTestHost Host { get; private set; } = null!;

    /// <summary>A case number no other test in this host uses.</summary>
    public string NewCaseNumber() => $"(2026)浙0604执{Interlocked.Increment(ref _sequence)}号";

    public async Task InitializeAsync() => Host = await GatewayTestHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
