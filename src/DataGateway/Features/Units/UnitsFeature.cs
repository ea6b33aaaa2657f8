using System.Collections.Concurrent;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Catalog;
using DataGateway.Features.Catalog;
using DataGateway.Features.Simulation;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;

namespace DataGateway.Features.Units;

/// <summary>Settings of the "Units" section.</summary>
public sealed class UnitsOptions
{
    /// <summary>
    /// gRPC endpoint of units whose catalog entry names none. Default null: the embedded simulator's address.
    /// </summary>
    public Uri? DefaultEndpoint { get; set; }
}

/// <summary>One gRPC channel per unit endpoint, shared by every unit behind it (HTTP/2 multiplexes the calls).</summary>
internal sealed class AgencyClients(IOptions<UnitsOptions> options, EmbeddedSimulator simulator) : IDisposable
{
    private readonly ConcurrentDictionary<Uri, Lazy<(GrpcChannel Channel, AgencyService.AgencyServiceClient Client)>> _clients = new();

    public AgencyService.AgencyServiceClient For(UnitDefinition unit)
    {
        var endpoint = unit.Endpoint ?? options.Value.DefaultEndpoint ?? simulator.GrpcAddress
            ?? throw new InvalidOperationException(
                $"Unit '{unit.Id}' has no endpoint: set one in the catalog, set Units:DefaultEndpoint, or embed the simulator.");
        return _clients.GetOrAdd(endpoint, static uri => new(() => Create(uri))).Value.Client;
    }

    private static (GrpcChannel, AgencyService.AgencyServiceClient) Create(Uri endpoint)
    {
        var channel = GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                // A fan-out puts dozens of concurrent calls on one endpoint; one connection caps at 100 streams.
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
                KeepAlivePingDelay = TimeSpan.FromSeconds(60),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
                ConnectTimeout = TimeSpan.FromSeconds(5),
            },
            MaxReceiveMessageSize = 16 * 1024 * 1024,
            // A cancelled call surfaces as OperationCanceledException, which Polly's timeout turns into TimeoutRejectedException.
            ThrowOperationCanceledOnCancellation = true,
        });
        return (channel, new AgencyService.AgencyServiceClient(channel));
    }

    public void Dispose()
    {
        foreach (var entry in _clients.Values)
        {
            if (entry.IsValueCreated)
            {
                entry.Value.Channel.Dispose();
            }
        }
    }
}

internal static class UnitsFeature
{
    public static WebApplicationBuilder AddUnits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<UnitsOptions>().BindConfiguration("Units");
        builder.Configuration.AddDefaultsFromConfigFolder("resilience.json");
        // Built now so bad settings stop start-up with a message, not the first query.
        builder.Services.AddSingleton(new ResilienceProfiles(builder.Configuration));
        builder.Services.AddSingleton<AgencyClients>();
        builder.Services.AddSingleton<UnitPipelines>();
        builder.Services.AddSingleton<UnitHealthBoard>();
        builder.Services.AddSingleton<UnitFanOut>();
        return builder;
    }
}
