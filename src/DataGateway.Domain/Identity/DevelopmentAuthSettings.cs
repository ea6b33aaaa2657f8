using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace DataGateway.Domain.Identity;

/// <summary>
/// The development token authority (config/development-auth.json), shared by the gateway, which validates tokens
/// with it in Development, and <c>dgw token</c>, which mints them. It never applies in production, where Microsoft
/// Entra ID issues the tokens.
/// </summary>
public sealed record DevelopmentAuthSettings
{
    /// <summary>The file name under config/.</summary>
    public const string FileName = "development-auth.json";

    /// <summary>HS256 needs a key at least as long as its 256-bit hash.</summary>
    public const int MinimumKeyBytes = 32;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>The <c>iss</c> of development tokens, e.g. <c>https://dev.datagateway.local</c>.</summary>
    public required string Issuer { get; init; }

    /// <summary>The <c>aud</c> of development tokens, e.g. <c>api://datagateway</c>.</summary>
    public required string Audience { get; init; }

    /// <summary>Base64 of at least <see cref="MinimumKeyBytes"/> random bytes.</summary>
    public required string SigningKey { get; init; }

    /// <summary>The HMAC key that signs and verifies development tokens.</summary>
    /// <exception cref="InvalidOperationException">The signing key is not base64 or is too short.</exception>
    public SymmetricSecurityKey Key() => new(DecodeKey(SigningKey, source: "signingKey"));

    /// <summary>
    /// Validation parameters for development tokens: issuer, audience, HS256 signature with <see cref="Key"/>,
    /// lifetime, and the claim types that carry the name and the roles.
    /// </summary>
    /// <param name="timeProvider">The clock lifetimes are checked against; null uses the system clock.</param>
    public TokenValidationParameters CreateValidationParameters(TimeProvider? timeProvider = null)
    {
        var clock = timeProvider ?? TimeProvider.System;
        return new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKey = Key(),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            // The library checks lifetimes against DateTime.UtcNow; this checks them against the injected clock, so
            // tests can move time instead of waiting and the gateway's notion of "now" is the same everywhere.
            LifetimeValidator = (notBefore, expires, _, parameters) => ValidateLifetime(notBefore, expires, parameters.ClockSkew, clock),
            NameClaimType = GatewayClaimTypes.Name,
            RoleClaimType = GatewayClaimTypes.Roles,
        };
    }

    /// <summary>Leaves the key out, so settings that reach a log or a debugger display do not carry it.</summary>
    public override string ToString() => $"DevelopmentAuthSettings {{ Issuer = {Issuer}, Audience = {Audience}, SigningKey = *** }}";

    /// <summary>Reads and checks the settings file.</summary>
    /// <exception cref="InvalidOperationException">
    /// The file is missing, is not valid JSON, lacks a value, or its key is not base64 of at least
    /// <see cref="MinimumKeyBytes"/> bytes; the message says which and names the file.
    /// </exception>
    public static DevelopmentAuthSettings Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"Development auth file '{path}' does not exist. It is config/{FileName} in the repository and is copied next to the binaries.");
        }

        SettingsFile? file;
        try
        {
            file = JsonSerializer.Deserialize<SettingsFile>(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException(
                $"Development auth file '{path}' is not valid JSON: {ex.Message}", ex);
        }

        if (file is null)
        {
            throw new InvalidOperationException($"Development auth file '{path}' is empty (null).");
        }

        var settings = new DevelopmentAuthSettings
        {
            Issuer = Required(file.Issuer, "issuer", path),
            Audience = Required(file.Audience, "audience", path),
            SigningKey = Required(file.SigningKey, "signingKey", path),
        };
        DecodeKey(settings.SigningKey, source: $"signingKey in '{path}'");
        return settings;
    }

    private static bool ValidateLifetime(DateTime? notBefore, DateTime? expires, TimeSpan clockSkew, TimeProvider clock)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (expires is null)
        {
            throw new SecurityTokenNoExpirationException("The token has no expiry ('exp').");
        }

        if (notBefore is { } nbf && nbf > now + clockSkew)
        {
            throw new SecurityTokenNotYetValidException($"The token is not valid before {nbf:O} (now {now:O}).") { NotBefore = nbf };
        }

        if (expires.Value < now - clockSkew)
        {
            throw new SecurityTokenExpiredException($"The token expired at {expires.Value:O} (now {now:O}).") { Expires = expires.Value };
        }

        return true;
    }

    private static string Required(string? value, string property, string path) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new InvalidOperationException($"Development auth file '{path}' has no \"{property}\".")
            : value;

    private static byte[] DecodeKey(string signingKey, string source)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(signingKey);
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"{source} is not base64.", ex);
        }

        if (key.Length < MinimumKeyBytes)
        {
            throw new InvalidOperationException(
                $"{source} is {key.Length} bytes; HS256 needs at least {MinimumKeyBytes} random bytes (base64-encoded).");
        }

        return key;
    }

    private sealed record SettingsFile(string? Issuer, string? Audience, string? SigningKey);
}
