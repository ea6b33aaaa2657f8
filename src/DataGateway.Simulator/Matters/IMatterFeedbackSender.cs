using DataGateway.Contracts.V1;
using Grpc.Core;

namespace DataGateway.Simulator.Matters;

/// <summary>Where the simulated units' answers go: the gateway's MatterService.SubmitFeedback, as the unit.</summary>
public interface IMatterFeedbackSender
{
    /// <summary>Sends one answer as <paramref name="unitId"/>'s system; an <see cref="RpcException"/> says why it was not taken.</summary>
    Task SendAsync(string unitId, SubmitFeedbackRequest feedback, CancellationToken cancellationToken);
}

/// <summary>
/// Sends answers to a gateway over gRPC with a bearer token per unit. The call invoker is made on first use, so a
/// gateway whose address is known only once its server listens can be connected before that.
/// </summary>
public sealed class GatewayFeedbackSender : IMatterFeedbackSender
{
    private readonly Lazy<MatterService.MatterServiceClient> _client;
    private readonly Func<string, string> _tokenForUnit;

    /// <param name="invoker">Makes the invoker of the gateway's gRPC endpoint (a channel's, or a test server's).</param>
    /// <param name="tokenForUnit">A bearer token with role <c>unit</c> and claim <c>unit_id</c> for the given unit.</param>
    public GatewayFeedbackSender(Func<CallInvoker> invoker, Func<string, string> tokenForUnit)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(tokenForUnit);
        _client = new(() => new MatterService.MatterServiceClient(invoker()));
        _tokenForUnit = tokenForUnit;
    }

    public async Task SendAsync(string unitId, SubmitFeedbackRequest feedback, CancellationToken cancellationToken)
    {
        var headers = new Metadata { { "Authorization", "Bearer " + _tokenForUnit(unitId) } };
        await _client.Value.SubmitFeedbackAsync(feedback, headers, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
