using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DataGateway.Domain.Identity;

/// <summary>
/// Mints development tokens: HS256 JWTs shaped like the Microsoft Entra ID access tokens the gateway gets in
/// production (<c>roles</c> array, <c>oid</c>, <c>tid</c>), signed with the development key so no network is needed.
/// </summary>
public static class DevelopmentTokenIssuer
{
    /// <summary>The tenant every development token claims; a fixed value that no real Entra tenant has.</summary>
    public static Guid TenantId { get; } = new("26ddee90-65e0-40a5-8954-bb872b62bb50");

    /// <summary>Issues a token for <paramref name="request"/>, valid from now (per <paramref name="timeProvider"/>) for its lifetime.</summary>
    /// <exception cref="ArgumentException">The request is invalid (see <see cref="DevelopmentTokenRequest.Validate"/>).</exception>
    public static string Issue(DevelopmentAuthSettings settings, DevelopmentTokenRequest request, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(timeProvider);

        var errors = request.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException($"Cannot issue a development token: {string.Join("; ", errors)}.", nameof(request));
        }

        // JWT times are whole seconds; truncating here keeps exp - iat exactly the requested lifetime.
        var now = DateTimeOffset.FromUnixTimeSeconds(timeProvider.GetUtcNow().ToUnixTimeSeconds()).UtcDateTime;
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [GatewayClaimTypes.Subject] = request.Subject,
            [GatewayClaimTypes.Name] = request.Name ?? request.Subject,
            // An array even for one role: Entra emits it that way and role checks read it as a collection.
            [GatewayClaimTypes.Roles] = request.Roles.Distinct(StringComparer.Ordinal).ToArray(),
            [GatewayClaimTypes.ObjectId] = ObjectIdFor(request.Subject).ToString(),
            [GatewayClaimTypes.TenantId] = TenantId.ToString(),
        };
        var unitIds = request.UnitIds.Distinct(StringComparer.Ordinal).ToArray();
        if (unitIds.Length > 0)
        {
            // One unit as a string, as a unit's system token carries it; several as an array (an agency admin's).
            claims[GatewayClaimTypes.UnitId] = unitIds.Length == 1 ? unitIds[0] : unitIds;
        }

        if (request.CourtCode is not null)
        {
            claims[GatewayClaimTypes.Court] = request.CourtCode;
        }

        if (request.NotaryOffice is not null)
        {
            claims[GatewayClaimTypes.NotaryOffice] = request.NotaryOffice;
        }

        if (!string.IsNullOrWhiteSpace(request.Scope))
        {
            claims[GatewayClaimTypes.Scope] = request.Scope;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + request.Lifetime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(settings.Key(), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>
    /// The <c>oid</c> of a development subject: the same subject always gets the same id, so audit records and
    /// per-user state line up across tokens, as they do with Entra's object ids.
    /// </summary>
    public static Guid ObjectIdFor(string subject)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes("datagateway-dev-oid:" + subject), hash);
        var bytes = hash[..16];

        // RFC 9562 version 8 (vendor-specific) and the RFC variant, so the value is a well-formed UUID.
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
