using System.Net;
using DataGateway.Domain.Catalog;
using DataGateway.Simulator.Matters;
using DataGateway.Simulator.Synthetic;
using DataGateway.Simulator.Units;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace DataGateway.Simulator;

/// <summary>
/// Hosts every catalog unit behind one gRPC AgencyService endpoint, plus an HTTP/1.1 control API, in its own
/// Kestrel server: the gateway embeds one in its process, tests start one per test on port 0.
/// </summary>
public sealed class SimulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping;
    private int _disposed;

    private SimulatorHost(WebApplication app, CancellationTokenSource stopping, Uri grpcAddress, Uri httpAddress, SimulatorStats stats, UnitBehaviours behaviours, Personas personas)
    {
        _app = app;
        _stopping = stopping;
        GrpcAddress = grpcAddress;
        HttpAddress = httpAddress;
        Stats = stats;
        Behaviours = behaviours;
        Personas = personas;
    }

    /// <summary>The bound gRPC (h2c) address, with the real port when 0 was asked for.</summary>
    public Uri GrpcAddress { get; }

    /// <summary>The bound control API address (stats and fault switches), with the real port when 0 was asked for.</summary>
    public Uri HttpAddress { get; }

    public SimulatorStats Stats { get; }

    public UnitBehaviours Behaviours { get; }

    public Personas Personas { get; }

    /// <summary>Requests the units' own HTTP APIs received (pass-through targets).</summary>
    public UnitHttpRequests HttpRequests { get; private init; } = new();

    /// <summary>The matters the units took and how they answer them.</summary>
    public SimulatedMatters Matters { get; private init; } = null!;

    /// <summary>Starts a simulator for every unit of <paramref name="catalog"/> and returns once both endpoints listen.</summary>
    /// <param name="timeProvider">Drives unit latency; tests pass a FakeTimeProvider. Defaults to the system clock.</param>
    /// <exception cref="ArgumentException">The options or personas do not fit the catalog; the message lists every problem.</exception>
    public static async Task<SimulatorHost> StartAsync(
        SimulatorOptions options,
        UnitCatalog catalog,
        Personas personas,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(personas);
        var problems = options.Validate(catalog);
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, problems), nameof(options));
        }

        var units = UnitDirectory.Build(catalog, options);
        PersonaPlans plans;
        try
        {
            plans = PersonaPlans.Build(personas, units, catalog);
        }
        catch (InvalidOperationException e)
        {
            throw new ArgumentException(e.Message, nameof(personas), e);
        }

        var stats = new SimulatorStats(units);
        var behaviours = new UnitBehaviours(units);
        var stopping = new CancellationTokenSource();
        var syntheticAssets = new SyntheticAssets(plans);
        var httpRequests = new UnitHttpRequests();
        var desk = new MatterDesk(options.Matters ?? new MatterFeedbackOptions(), timeProvider ?? TimeProvider.System, stopping.Token);
        var service = new SimulatedAgencyService(units, syntheticAssets, stats, timeProvider ?? TimeProvider.System, desk, stopping.Token);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(SimulatorHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });

        // The gateway's appsettings.json (same bin folder) and ASPNETCORE_URLS would otherwise bind its ports here.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(options.LogLevel);

        ListenOptions? grpcListen = null;
        ListenOptions? httpListen = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;

            // Benchmarks push many concurrent calls down few connections.
            kestrel.Limits.Http2.MaxStreamsPerConnection = 1000;
            grpcListen = Listen(kestrel, new Uri(options.GrpcUrl), HttpProtocols.Http2);
            httpListen = Listen(kestrel, new Uri(options.HttpUrl), HttpProtocols.Http1);
        });

        // Registered as an instance, not with a TimeProvider service: Kestrel would pick a fake clock up too.
        builder.Services.AddSingleton(service);
        builder.Services.AddGrpc();

        var app = builder.Build();
        app.MapGrpcService<SimulatedAgencyService>();
        app.MapControlApi(units, stats, behaviours);
        app.MapUnitHttpApi(units, syntheticAssets, httpRequests);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            stopping.Dispose();
            throw;
        }

        return new SimulatorHost(
            app,
            stopping,
            BoundAddress(grpcListen!, options.GrpcUrl),
            BoundAddress(httpListen!, options.HttpUrl),
            stats,
            behaviours,
            personas)
        {
            HttpRequests = httpRequests,
            Matters = new SimulatedMatters(desk, units),
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private static ListenOptions Listen(KestrelServerOptions kestrel, Uri url, HttpProtocols protocols)
    {
        ListenOptions? captured = null;
        void Configure(ListenOptions listen)
        {
            listen.Protocols = protocols;
            captured = listen;
        }

        if (url.IsLoopback && url.Port != 0 && url.Host == "localhost")
        {
            kestrel.ListenLocalhost(url.Port, Configure);
        }
        else if (url.Host is "0.0.0.0" or "*" or "+")
        {
            kestrel.ListenAnyIP(url.Port, Configure);
        }
        else if (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address))
        {
            kestrel.Listen(address, url.Port, Configure);
        }
        else if (url.Host == "localhost")
        {
            // Kestrel cannot pick one free port for both localhost addresses, so port 0 binds IPv4 loopback.
            kestrel.Listen(IPAddress.Loopback, 0, Configure);
        }
        else
        {
            throw new ArgumentException($"Cannot listen on '{url}': use an IP address, localhost or 0.0.0.0.", nameof(url));
        }

        return captured!;
    }

    private static Uri BoundAddress(ListenOptions listen, string configured)
    {
        var configuredUri = new Uri(configured);
        var port = listen.IPEndPoint?.Port ?? configuredUri.Port;
        var host = listen.IPEndPoint?.Address switch
        {
            null => configuredUri.Host,
            var a when a.Equals(IPAddress.Any) => IPAddress.Loopback.ToString(),
            var a when a.Equals(IPAddress.IPv6Any) => $"[{IPAddress.IPv6Loopback}]",
            var a when a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 => $"[{a}]",
            var a => a.ToString(),
        };
        return new UriBuilder(Uri.UriSchemeHttp, host, port).Uri;
    }
}
