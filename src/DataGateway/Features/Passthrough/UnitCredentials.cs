using Microsoft.Extensions.Options;
using Microsoft.Identity.Abstractions;

namespace DataGateway.Features.Passthrough;

/// <summary>The gateway's own credential towards a unit's HTTP API: never the caller's token.</summary>
internal interface IUnitCredentials
{
    Task<string> AuthorizationHeaderAsync(string unitId, CancellationToken cancellationToken);
}

/// <summary>Development: one configured secret as a bearer token, so the simulator can check it arrived.</summary>
internal sealed class DevelopmentUnitCredentials(IOptions<PassthroughOptions> options) : IUnitCredentials
{
    public Task<string> AuthorizationHeaderAsync(string unitId, CancellationToken cancellationToken) =>
        Task.FromResult("Bearer " + (options.Value.DevelopmentCredential
            ?? throw new InvalidOperationException("Passthrough:DevelopmentCredential is not set")));
}

/// <summary>
/// Production: a client-credentials token for the unit's scope from Microsoft.Identity.Web's token acquisition
/// (cached by it), so each unit sees the gateway's identity and can tell it from any person's.
/// </summary>
internal sealed class EntraUnitCredentials(IAuthorizationHeaderProvider headers, IOptions<PassthroughOptions> options) : IUnitCredentials
{
    public Task<string> AuthorizationHeaderAsync(string unitId, CancellationToken cancellationToken)
    {
        var scope = options.Value.Units.TryGetValue(unitId, out var unit) ? unit.Scope : null;
        if (string.IsNullOrWhiteSpace(scope))
        {
            throw new InvalidOperationException($"Passthrough:Units:{unitId}:Scope is not set");
        }

        return headers.CreateAuthorizationHeaderForAppAsync(scope, cancellationToken: cancellationToken);
    }
}
