using DataGateway.Domain.Identity;
using DataGateway.Features.Catalog;
using DataGateway.Features.Identity;
using DataGateway.Features.Simulation;
using DataGateway.Simulator.Matters;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;

namespace DataGateway.Features.Matters;

/// <summary>
/// Closes the loop in the embedded default: the simulated units answer their matters through this gateway's own
/// MatterService, each with a development token naming its unit (role unit, claim unit_id). Only with development
/// tokens — outside Development nothing can mint a unit's token, and real units answer with their own.
/// </summary>
internal sealed partial class SimulatorFeedbackConnector(
    EmbeddedSimulator simulator,
    IConfiguration configuration,
    IOptions<MatterOptions> options,
    TimeProvider timeProvider,
    ILogger<SimulatorFeedbackConnector> logger) : IHostedService, IDisposable
{
    private GrpcChannel? _channel;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var identity = configuration.GetSection(IdentityFeature.SectionName).Get<GatewayIdentityOptions>() ?? new GatewayIdentityOptions();
        if (simulator.Host is not { } host || !identity.UseDevelopmentTokens)
        {
            return Task.CompletedTask;
        }

        var configured = options.Value.SimulatorFeedbackUrl?.ToString() ?? configuration["Kestrel:Endpoints:Grpc:Url"];
        if (!Uri.TryCreate(configured, UriKind.Absolute, out var address) || address.Port == 0)
        {
            Log.NotConnected(logger, configured ?? "(none)");
            return Task.CompletedTask;
        }

        var auth = DevelopmentAuthSettings.Load(ConfigPaths.Resolve(identity.DevelopmentAuthFile));
        host.Matters.Connect(new GatewayFeedbackSender(
            () => (_channel ??= GrpcChannel.ForAddress(address)).CreateCallInvoker(),
            unitId => DevelopmentTokenIssuer.Issue(auth, new DevelopmentTokenRequest
            {
                Subject = "simulated-" + unitId,
                Roles = [Roles.Unit],
                UnitIds = [unitId],
                Lifetime = TimeSpan.FromMinutes(10),
            }, timeProvider)));
        Log.Connected(logger, address);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _channel?.Dispose();

    private static partial class Log
    {
        [LoggerMessage(EventId = 87, Level = LogLevel.Information, Message = "Simulated units answer their matters through {Address}")]
        public static partial void Connected(ILogger logger, Uri address);

        [LoggerMessage(EventId = 88, Level = LogLevel.Warning,
            Message = "Simulated units will not answer matters: no usable gateway gRPC address ({Configured}); set Matters:SimulatorFeedbackUrl")]
        public static partial void NotConnected(ILogger logger, string configured);
    }
}
