using DataGateway.Domain.Identity;
using DataGateway.Features.Catalog;
using DataGateway.Features.Privacy;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Transforms;

namespace DataGateway.Features.Passthrough;

/// <summary>
/// <c>/v1/units/{unitId}/passthrough/{**path}</c> to units' own HTTP APIs with YARP (routes and clusters in
/// config/passthrough.json): the caller's token is dropped and the gateway's own credential sent, purpose headers are
/// added, listed response headers removed; active and passive health checks per cluster.
/// </summary>
internal static class PassthroughFeature
{
    public const string Policy = "passthrough";

    public static WebApplicationBuilder AddPassthrough(this WebApplicationBuilder builder)
    {
        builder.Configuration.AddDefaultsFromConfigFolder("passthrough.json");
        builder.Services.AddOptions<PassthroughOptions>().BindConfiguration("Passthrough");
        var development = builder.Configuration.GetValue<bool>("Identity:UseDevelopmentTokens");
        if (development)
        {
            builder.Services.AddSingleton<IUnitCredentials, DevelopmentUnitCredentials>();
        }
        else
        {
            if (builder.Configuration["Passthrough:DevelopmentCredential"] is { Length: > 0 })
            {
                throw new InvalidOperationException("Passthrough:DevelopmentCredential is only allowed with development tokens.");
            }

            builder.Services.AddSingleton<IUnitCredentials, EntraUnitCredentials>();
        }

        builder.Services.AddSingleton<PassthroughGate>();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.RequireAuthenticatedUser().RequireRole(Roles.Judge));

        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddTransforms(context =>
            {
                if (context.Route.Metadata?.GetValueOrDefault(PassthroughGate.UnitIdMetadata) is not { } unitId)
                {
                    return;
                }

                var options = context.Services.GetRequiredService<IOptions<PassthroughOptions>>().Value;
                // The caller's token and stated purpose are the gateway's business, not the unit's.
                context.AddRequestHeaderRemove("Authorization");
                context.AddRequestHeaderRemove("Cookie");
                context.AddRequestHeaderRemove(PassthroughGate.CaseHeader);
                context.AddRequestHeaderRemove(PassthroughGate.SubjectHeader);
                context.AddRequestTransform(async transform =>
                {
                    var access = (PassthroughAccess)transform.HttpContext.Items[typeof(PassthroughAccess)]!;
                    var credentials = transform.HttpContext.RequestServices.GetRequiredService<IUnitCredentials>();
                    var hasher = transform.HttpContext.RequestServices.GetRequiredService<KeyedHasher>();
                    var headers = transform.ProxyRequest.Headers;
                    headers.TryAddWithoutValidation("Authorization", await credentials.AuthorizationHeaderAsync(access.UnitId, transform.CancellationToken));
                    headers.TryAddWithoutValidation("X-DataGateway-Case", Uri.EscapeDataString(access.CaseNumber));
                    headers.TryAddWithoutValidation("X-DataGateway-Requester", hasher.Hash(access.Record.Actor.Subject));
                    headers.TryAddWithoutValidation("X-DataGateway-Request-Id", access.RequestId);
                    // The unit must answer about this subject only: the one the purpose check allowed.
                    headers.TryAddWithoutValidation("X-DataGateway-Subject", access.SubjectIdentifier);
                });
                if (options.Units.TryGetValue(unitId, out var unit))
                {
                    foreach (var header in unit.RemoveResponseHeaders)
                    {
                        context.AddResponseHeaderRemove(header);
                    }
                }

                context.AddResponseTransform(async transform =>
                {
                    if (transform.HttpContext.Items[typeof(PassthroughAccess)] is not PassthroughAccess access || transform.ProxyResponse is null)
                    {
                        return;
                    }

                    if (!await PassthroughGate.UnitAnsweredAsync(access, (int)transform.ProxyResponse.StatusCode))
                    {
                        // No record, no answer: the unit's body never reaches the caller.
                        transform.SuppressResponseBody = true;
                        transform.HttpContext.Response.Headers.Clear();
                        transform.HttpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    }
                });
            });
        return builder;
    }

    public static WebApplication MapPassthrough(this WebApplication app)
    {
        var gate = app.Services.GetRequiredService<PassthroughGate>();
        app.MapReverseProxy(pipeline =>
        {
            pipeline.Use((context, next) => gate.InvokeAsync(context, next));
            pipeline.UseSessionAffinity();
            pipeline.UseLoadBalancing();
            pipeline.UsePassiveHealthChecks();
        });
        return app;
    }
}
