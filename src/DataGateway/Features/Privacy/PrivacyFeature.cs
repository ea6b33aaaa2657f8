using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace DataGateway.Features.Privacy;

/// <summary>Settings of the "Privacy" section.</summary>
public sealed class PrivacyOptions
{
    /// <summary>
    /// Base64 key (at least 32 bytes) for the keyed hashes that stand in for people in anything the gateway writes or
    /// sends on: requester ids to units now, subjects in the audit trail later. No default: each deployment sets its
    /// own secret; Development ships a development-only key.
    /// </summary>
    [Required(ErrorMessage = "Privacy:HashKey must be set (base64, at least 32 bytes).")]
    public string HashKey { get; set; } = string.Empty;
}

/// <summary>
/// HMAC-SHA256 under the deployment's key: stable (an auditor can search by the same value) but not reversible or
/// guessable from the 18-digit ID space without the key, which a plain hash would be.
/// </summary>
internal sealed class KeyedHasher(IOptions<PrivacyOptions> options)
{
    private readonly byte[] _key = Convert.FromBase64String(options.Value.HashKey);

    public string Hash(string value)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(value), mac);
        // 128 bits are plenty to tell people apart and keep keys and log fields short.
        return Convert.ToHexStringLower(mac[..16]);
    }
}

internal sealed class PrivacyOptionsValidator : IValidateOptions<PrivacyOptions>
{
    public ValidateOptionsResult Validate(string? name, PrivacyOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.HashKey))
        {
            return ValidateOptionsResult.Fail("Privacy:HashKey must be set (base64, at least 32 bytes).");
        }

        Span<byte> buffer = stackalloc byte[256];
        return Convert.TryFromBase64String(options.HashKey, buffer, out var length) && length >= 32
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("Privacy:HashKey must be base64 of at least 32 bytes.");
    }
}

internal static class PrivacyFeature
{
    public static WebApplicationBuilder AddPrivacy(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PrivacyOptions>().BindConfiguration("Privacy").ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<PrivacyOptions>, PrivacyOptionsValidator>();
        builder.Services.AddSingleton<KeyedHasher>();

        // Request lines carry query strings, and an auditor's search names an ID number there
        // (GET /v1/audit/records?idNumber=...). These categories stay at Warning whatever the configuration says.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.HttpLogging", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Warning);
        // Polly's execution logs include each call's result: a unit's whole answer (accounts, titles, heirs' IDs).
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        // Token validation logs carry the request path in their scope, and a caller may put an ID in a path.
        builder.Logging.AddFilter("Microsoft.IdentityModel", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Identity", LogLevel.Warning);
        // YARP logs the destination URL of each forwarded request; a unit's own API may carry identifiers in it.
        builder.Logging.AddFilter("Yarp.ReverseProxy.Forwarder", LogLevel.Warning);
        return builder;
    }
}
