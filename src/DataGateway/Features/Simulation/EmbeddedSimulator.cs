using DataGateway.Domain.Catalog;
using DataGateway.Features.Catalog;
using DataGateway.Simulator;

namespace DataGateway.Features.Simulation;

/// <summary>
/// The embedded default: the simulated units run inside the gateway's process on their own loopback ports, so
/// `dotnet run` gives a working gateway with no other server. Turn it off (Simulator:Embedded=false) when units are real
/// or the simulator runs as its own process.
/// </summary>
internal sealed partial class EmbeddedSimulator(
    UnitCatalog catalog,
    IConfiguration configuration,
    TimeProvider timeProvider,
    ILogger<EmbeddedSimulator> logger) : IHostedService, IAsyncDisposable
{
    private SimulatorHost? _host;

    /// <summary>The simulator's gRPC address once started; null when it is not embedded.</summary>
    public Uri? GrpcAddress => _host?.GrpcAddress;

    public SimulatorHost? Host => _host;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var section = configuration.GetSection("Simulator");
        if (!section.GetValue("Embedded", true))
        {
            return;
        }

        var options = section.Get<SimulatorOptions>() ?? new SimulatorOptions();
        var personas = Personas.Load(ConfigPaths.Resolve(section.GetValue("PersonasFile", "config/personas.json")!));
        _host = await SimulatorHost.StartAsync(options, catalog, personas, timeProvider, cancellationToken);
        Log.SimulatorStarted(logger, catalog.Units.Count, _host.GrpcAddress, _host.HttpAddress);
    }

    public Task StopAsync(CancellationToken cancellationToken) => DisposeAsync().AsTask();

    public async ValueTask DisposeAsync()
    {
        if (_host is { } host)
        {
            _host = null;
            await host.DisposeAsync();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information,
            Message = "Embedded simulator serves {UnitCount} units: gRPC {GrpcAddress}, control API {HttpAddress}")]
        public static partial void SimulatorStarted(ILogger logger, int unitCount, Uri grpcAddress, Uri httpAddress);
    }
}

internal static class SimulationFeature
{
    public static WebApplicationBuilder AddEmbeddedSimulator(this WebApplicationBuilder builder)
    {
        // Simulator latencies live beside the catalog; the gateway's own settings, environment and command line win.
        builder.Configuration.AddDefaultsFromConfigFolder("simulator.json");
        builder.Services.AddSingleton<EmbeddedSimulator>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EmbeddedSimulator>());
        return builder;
    }
}
