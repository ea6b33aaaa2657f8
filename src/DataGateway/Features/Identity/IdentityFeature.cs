using DataGateway.Domain.Identity;
using DataGateway.Features.Catalog;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Identity.Web;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace DataGateway.Features.Identity;

/// <summary>
/// Authentication through Microsoft.Identity.Web (Microsoft Entra ID) in production. In Development the same
/// JWT bearer pipeline validates tokens signed by the local development key (config/development-auth.json),
/// with no network: `dgw token --role judge` mints one.
/// </summary>
internal static class IdentityFeature
{
    public const string SectionName = "Identity";

    public static WebApplicationBuilder AddGatewayIdentity(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(SectionName).Get<GatewayIdentityOptions>() ?? new GatewayIdentityOptions();
        DevelopmentAuthSettings? development = null;
        if (options.UseDevelopmentTokens)
        {
            // A key that sits in the repository must never guard real data.
            if (!builder.Environment.IsDevelopment())
            {
                throw new InvalidOperationException(
                    "Identity:UseDevelopmentTokens is only allowed in the Development environment; configure AzureAd for "
                    + builder.Environment.EnvironmentName + ".");
            }

            development = DevelopmentAuthSettings.Load(ConfigPaths.Resolve(options.DevelopmentAuthFile));
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureAd:TenantId"] = DevelopmentTenantId,
                ["AzureAd:ClientId"] = development.Audience,
                ["AzureAd:Audience"] = development.Audience,
            });
        }
        else
        {
            var azureAd = builder.Configuration.GetSection("AzureAd");
            if (string.IsNullOrWhiteSpace(azureAd["TenantId"]) || string.IsNullOrWhiteSpace(azureAd["ClientId"]))
            {
                throw new InvalidOperationException(
                    "AzureAd:TenantId and AzureAd:ClientId must be set (or run in Development with Identity:UseDevelopmentTokens=true).");
            }
        }

        var authentication = builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddMicrosoftIdentityWebApi(builder.Configuration.GetSection("AzureAd"), JwtBearerDefaults.AuthenticationScheme);
        if (development is null)
        {
            // The gateway calls units' own APIs as itself (client credentials), for the pass-through.
            authentication.EnableTokenAcquisitionToCallDownstreamApi().AddInMemoryTokenCaches();
        }

        builder.Services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, jwt =>
        {
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters.RoleClaimType = GatewayClaimTypes.Roles;
            jwt.TokenValidationParameters.NameClaimType = GatewayClaimTypes.Name;
            if (development is null)
            {
                return;
            }

            // Offline validation: the signing key and issuer are known, so there is no metadata to fetch.
            var key = development.Key();
            jwt.Authority = null;
            jwt.RequireHttpsMetadata = false;
            jwt.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(
                new OpenIdConnectConfiguration { Issuer = development.Issuer, SigningKeys = { key } });
            var parameters = jwt.TokenValidationParameters;
            parameters.IssuerValidator = null;
            parameters.ValidIssuer = development.Issuer;
            parameters.ValidAudience = development.Audience;
            parameters.ValidAudiences = [development.Audience];
            parameters.IssuerSigningKey = key;
            parameters.ValidateIssuer = true;
            parameters.ValidateAudience = true;
            parameters.ValidateLifetime = true;
            parameters.ValidateIssuerSigningKey = true;
        });

        // After the configuration above (post-configure actions run in registration order): setting MapInboundClaims
        // reaches only handlers that are still JsonWebTokenHandlers.
        builder.Services.AddSingleton<ValidatedTokenCache>();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .PostConfigure<ValidatedTokenCache>((jwt, cache) =>
            {
                for (var i = 0; i < jwt.TokenHandlers.Count; i++)
                {
                    if (jwt.TokenHandlers[i] is not CachingTokenHandler)
                    {
                        jwt.TokenHandlers[i] = new CachingTokenHandler(jwt.TokenHandlers[i], cache);
                    }
                }
            });

        builder.Services.AddAuthorizationBuilder()
            // Every endpoint needs a token unless it says otherwise (only health probes and reflection do).
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Judge, policy => policy.RequireAuthenticatedUser().RequireRole(Roles.Judge))
            .AddPolicy(Policies.Notary, policy => policy.RequireAuthenticatedUser().RequireRole(Roles.Notary))
            .AddPolicy(Policies.Auditor, policy => policy.RequireAuthenticatedUser().RequireRole(Roles.Auditor))
            .AddPolicy(Policies.CourtSystem, policy => policy.RequireAuthenticatedUser().RequireRole(Roles.CourtSystem))
            .AddPolicy(Policies.Unit, policy => policy.RequireAuthenticatedUser().RequireRole(Roles.Unit).RequireClaim(GatewayClaimTypes.UnitId))
            .AddPolicy(Policies.MatterReader, policy => policy.RequireAuthenticatedUser().RequireRole(Roles.Judge, Roles.Unit))
            .AddPolicy(Policies.AgencyAdmin, policy => policy.RequireAuthenticatedUser().RequireRole(Roles.AgencyAdmin));

        return builder;
    }

    /// <summary>The tenant development tokens claim; no such tenant exists in Entra ID.</summary>
    private const string DevelopmentTenantId = "7d1c9e4a-0000-4000-8000-000000000001";
}

/// <summary>Settings of the "Identity" section.</summary>
public sealed class GatewayIdentityOptions
{
    /// <summary>Validate tokens signed by the local development key instead of Entra ID. Default false; Development only.</summary>
    public bool UseDevelopmentTokens { get; set; }

    /// <summary>The development key file, relative to the gateway's folder. Default "config/development-auth.json".</summary>
    public string DevelopmentAuthFile { get; set; } = "config/development-auth.json";
}

/// <summary>Authorization policy names.</summary>
internal static class Policies
{
    public const string Judge = "judge";

    /// <summary>A notary making estate inquiries; which notarial files are theirs is in the token's notary_office claim.</summary>
    public const string Notary = "notary";

    public const string Auditor = "auditor";

    public const string CourtSystem = "court-system";

    /// <summary>An assisting unit's system answering its matters (role unit with a unit_id claim).</summary>
    public const string Unit = "unit";

    /// <summary>Reads a matter: a judge of its case or its own unit (checked per matter).</summary>
    public const string MatterReader = "matter-reader";

    /// <summary>An agency admin watching service levels; which units they see is in their token (see Features/Sla).</summary>
    public const string AgencyAdmin = "agency-admin";
}
