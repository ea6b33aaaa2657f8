using System.Net.Http.Headers;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Catalog;
using DataGateway.Domain.Identity;
using DataGateway.Simulator;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace DataGateway.IntegrationTests.Infrastructure;

/// <summary>
/// The real gateway (in-memory test server) in front of a real simulator on a loopback port, both on one
/// <see cref="FakeTimeProvider"/> so timeouts and latencies advance when a test says so, never by sleeping.
/// </summary>
public sealed class GatewayTestHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;
    private readonly GrpcChannel _channel;

    private GatewayTestHost(WebApplicationFactory<Program> factory, SimulatorHost simulator, FakeTimeProvider time, string dataDirectory)
    {
        DataDirectory = dataDirectory;
        _factory = factory;
        Simulator = simulator;
        Time = time;
        _channel = GrpcChannel.ForAddress(factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = factory.Server.CreateHandler() });
    }

    public static string ConfigDirectory => Path.Combine(AppContext.BaseDirectory, "config");

    public static UnitCatalog Catalog { get; } = UnitCatalog.Load(ConfigDirectory);

    public static Personas Personas { get; } = Personas.Load(Path.Combine(ConfigDirectory, "personas.json"));

    public static DevelopmentAuthSettings Auth { get; } = DevelopmentAuthSettings.Load(Path.Combine(ConfigDirectory, "development-auth.json"));

    public SimulatorHost Simulator { get; }

    /// <summary>This host's own store folder (a fresh temporary folder, deleted on dispose).</summary>
    public string DataDirectory { get; }

    public IServiceProvider Services => _factory.Services;

    public FakeTimeProvider Time { get; }

    /// <summary>Starts a simulator whose units answer with <paramref name="latency"/> (default none), and the gateway in front of it.</summary>
    /// <param name="store">The store to use instead of a private SQLite file (another engine, or one shared by replicas).</param>
    /// <param name="loggerProvider">
    /// Also receives everything the gateway logs, filtered by the gateway's own Logging configuration, so it sees what
    /// production logs would hold (e.g. a <c>CapturedLogs</c> for privacy assertions).
    /// </param>
    public static async Task<GatewayTestHost> StartAsync(
        TimeSpan? latency = null,
        Uri? unitEndpoint = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        FakeTimeProvider? time = null,
        ILoggerProvider? loggerProvider = null,
        Action<IServiceCollection>? configureServices = null,
        TestStoreDatabase? store = null)
    {
        // Start at the real time: token lifetimes are checked against the wall clock.
        time ??= new FakeTimeProvider(DateTimeOffset.UtcNow);
        var simulator = await SimulatorHost.StartAsync(
            new SimulatorOptions
            {
                GrpcUrl = "http://127.0.0.1:0",
                HttpUrl = "http://127.0.0.1:0",
                DefaultLatencyMs = (int)(latency ?? TimeSpan.Zero).TotalMilliseconds,
                LatencyMsByKind = [],
            },
            Catalog,
            Personas,
            time);

        var dataDirectory = Directory.CreateTempSubdirectory("datagateway-test-").FullName;
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Store:DataDirectory", dataDirectory);
            // A shared store (a replica test, a PostgreSQL test) belongs to the test, which disposes it after its hosts.
            foreach (var (key, value) in store?.Settings ?? new Dictionary<string, string?>())
            {
                web.UseSetting(key, value);
            }

            web.UseEnvironment("Development");
            web.UseSetting("Simulator:Embedded", "false");
            web.UseSetting("Units:DefaultEndpoint", (unitEndpoint ?? simulator.GrpcAddress).ToString());
            // Units with their own HTTP API (config/passthrough.json) live on this test's simulator.
            foreach (var passthroughUnit in new[] { "tax-bureau", "realestate-registry" })
            {
                web.UseSetting($"ReverseProxy:Clusters:{passthroughUnit}:Destinations:primary:Address", new Uri(simulator.HttpAddress, $"units/{passthroughUnit}/api/").ToString());
                web.UseSetting($"ReverseProxy:Clusters:{passthroughUnit}:Destinations:primary:Health", new Uri(simulator.HttpAddress, $"units/{passthroughUnit}").ToString());
            }

            // Retries back off on the fake clock; a zero base delay keeps tests from waiting on a clock nobody advances.
            web.UseSetting("Resilience:Default:RetryBaseDelayMs", "0");
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                web.UseSetting(key, value);
            }
            web.ConfigureServices(services =>
            {
                services.AddSingleton<TimeProvider>(time);
                configureServices?.Invoke(services);
            });
            if (loggerProvider is not null)
            {
                web.ConfigureLogging(logging => logging.AddProvider(loggerProvider));
            }
        });
        try
        {
            _ = factory.Server; // start now, so a broken start-up fails here rather than in the first call
        }
        catch
        {
            // A start-up refused on purpose (a test of it) leaves no simulator or folder behind.
            await factory.DisposeAsync();
            await simulator.DisposeAsync();
            Directory.Delete(dataDirectory, recursive: true);
            throw;
        }

        return new GatewayTestHost(factory, simulator, time, dataDirectory);
    }

    public static string Token(params string[] roles) => Token(TimeProvider.System, roles);

    public static string Token(TimeProvider clock, params string[] roles) =>
        DevelopmentTokenIssuer.Issue(Auth, new DevelopmentTokenRequest
        {
            Subject = "test-" + string.Join('-', roles),
            Roles = roles,
            // A unit's system always speaks for one unit.
            UnitIds = roles.Contains(Roles.Unit) ? ["bank-sxrcb"] : [],
        }, clock);

    public HttpClient Rest(string? token)
    {
        var client = _factory.CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public EnforcementService.EnforcementServiceClient Enforcement(string? token) => new(WithToken(token));

    public CatalogService.CatalogServiceClient CatalogClient(string? token) => new(WithToken(token));

    public EstateService.EstateServiceClient Estate(string? token) => new(WithToken(token));

    public MatterService.MatterServiceClient Matters(string? token) => new(WithToken(token));

    public SlaService.SlaServiceClient Sla(string? token) => new(WithToken(token));

    /// <summary>Calls the gateway's gRPC services with no token of its own (the caller adds one per call).</summary>
    public CallInvoker Invoker() => _channel.CreateCallInvoker();

    private CallInvoker WithToken(string? token) => token is null
        ? _channel.CreateCallInvoker()
        : _channel.Intercept(metadata =>
        {
            metadata.Add("Authorization", "Bearer " + token);
            return metadata;
        });

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        // Polly's pipelines wait for unit calls still in flight when they are disposed, sleeping on the host's clock
        // (up to minutes); on a fake clock nobody advances that is forever. A stop that has not finished soon gets
        // the time it would have had in production: the clock moves on until the calls time out and the host stops.
        // (The factory's dispose blocks its thread, hence its own task.)
        var stopping = Task.Run(async () => await _factory.DisposeAsync());
        while (await Task.WhenAny(stopping, Task.Delay(TimeSpan.FromMilliseconds(200))) != stopping)
        {
            Time.Advance(TimeSpan.FromSeconds(5));
        }

        await stopping;
        await Simulator.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(DataDirectory, recursive: true);
    }
}
