using DataGateway.IntegrationTests.Infrastructure;
using DataGateway.Simulator;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace DataGateway.IntegrationTests.Dashboard;

/// <summary>
/// The gateway on real Kestrel sockets (127.0.0.1, port 0), for a real browser: the same settings as
/// <see cref="GatewayTestHost"/> otherwise, with its own simulator on the same fake clock.
/// </summary>
internal sealed class KestrelGatewayHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;
    private readonly string _dataDirectory;

    private KestrelGatewayHost(WebApplicationFactory<Program> factory, SimulatorHost simulator, FakeTimeProvider time, string dataDirectory, Uri address)
    {
        _factory = factory;
        Simulator = simulator;
        Time = time;
        _dataDirectory = dataDirectory;
        Address = address;
    }

    /// <summary>The REST address, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Address { get; }

    public SimulatorHost Simulator { get; }

    public FakeTimeProvider Time { get; }

    public static async Task<KestrelGatewayHost> StartAsync(FakeTimeProvider time)
    {
        var simulator = await SimulatorHost.StartAsync(
            new SimulatorOptions { GrpcUrl = "http://127.0.0.1:0", HttpUrl = "http://127.0.0.1:0", DefaultLatencyMs = 0, LatencyMsByKind = [] },
            GatewayTestHost.Catalog,
            GatewayTestHost.Personas,
            time);
        var dataDirectory = Directory.CreateTempSubdirectory("datagateway-test-").FullName;
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Development");
            web.UseSetting("Store:DataDirectory", dataDirectory);
            web.UseSetting("Simulator:Embedded", "false");
            web.UseSetting("Units:DefaultEndpoint", simulator.GrpcAddress.ToString());
            web.UseSetting("Resilience:Default:RetryBaseDelayMs", "0");
            // Every query reaches the units, so the board's query figures count each one.
            web.UseSetting("Caching:Enabled", "false");
            // Free ports; only the REST endpoint is used, by the browser.
            web.UseSetting("Kestrel:Endpoints:Rest:Url", "http://127.0.0.1:0");
            web.UseSetting("Kestrel:Endpoints:Grpc:Url", "http://127.0.0.1:0");
            web.ConfigureServices(services => services.AddSingleton<TimeProvider>(time));
        });
        factory.UseKestrel();
        factory.StartServer();

        // The REST endpoint is the one that speaks HTTP/1.1 (the gRPC one is HTTP/2 only).
        Uri? rest = null;
        using var probe = new HttpClient();
        foreach (var address in factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses)
        {
            var candidate = new UriBuilder(address) { Host = "127.0.0.1" }.Uri;
            using var response = await probe.GetAsync(new Uri(candidate, "healthz"));
            if (response.IsSuccessStatusCode)
            {
                rest = candidate;
            }
        }

        return new KestrelGatewayHost(factory, simulator, time, dataDirectory, rest ?? throw new InvalidOperationException("no HTTP/1.1 endpoint"));
    }

    public HttpClient Rest(string token)
    {
        var client = new HttpClient { BaseAddress = Address };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        await Simulator.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }
}
