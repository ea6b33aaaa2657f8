using DataGateway.Domain.Identity;
using Grpc.Net.Client;

namespace DataGateway.Simulator.Matters;

/// <summary>
/// For the simulator as its own process: sends the units' answers to the gateway named in
/// <see cref="MatterFeedbackOptions.GatewayGrpcUrl"/>, each with a development token for its unit (the gateway must run
/// with development tokens, signed by the same key file).
/// </summary>
public static class GatewayFeedback
{
    /// <summary>Connects <paramref name="host"/>'s units to the configured gateway; null (nothing to dispose) when none is configured.</summary>
    public static IDisposable? ConnectFromSettings(SimulatorHost host, MatterFeedbackOptions options)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(options);
        if (options.GatewayGrpcUrl is null)
        {
            return null;
        }

        var path = Path.IsPathRooted(options.DevelopmentAuthFile)
            ? options.DevelopmentAuthFile
            : Path.Combine(AppContext.BaseDirectory, options.DevelopmentAuthFile);
        var auth = DevelopmentAuthSettings.Load(path);
        var channel = GrpcChannel.ForAddress(options.GatewayGrpcUrl);
        host.Matters.Connect(new GatewayFeedbackSender(
            channel.CreateCallInvoker,
            unitId => DevelopmentTokenIssuer.Issue(
                auth,
                new DevelopmentTokenRequest { Subject = "simulated-" + unitId, Roles = [Roles.Unit], UnitIds = [unitId], Lifetime = TimeSpan.FromMinutes(10) },
                TimeProvider.System)));
        Console.WriteLine($"  matter answers to   {options.GatewayGrpcUrl}");
        return channel;
    }
}
