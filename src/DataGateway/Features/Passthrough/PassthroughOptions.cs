namespace DataGateway.Features.Passthrough;

/// <summary>
/// Settings of the "Passthrough" section (config/passthrough.json). Routes and clusters themselves are YARP's
/// "ReverseProxy" section in the same file.
/// </summary>
public sealed class PassthroughOptions
{
    /// <summary>Per unit id: how the gateway speaks for itself to that unit's own HTTP API.</summary>
    public Dictionary<string, PassthroughUnitOptions> Units { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Development only: the credential the gateway presents to units (as a bearer token) instead of an Entra ID
    /// token. Default null. Refused outside Development.
    /// </summary>
    public string? DevelopmentCredential { get; set; }
}

public sealed class PassthroughUnitOptions
{
    /// <summary>Entra ID scope of the unit's API for the gateway's client-credentials token, e.g. "api://shangyu-tax/.default".</summary>
    public string? Scope { get; set; }

    /// <summary>Response headers that must not reach callers (server banners, internal trace ids).</summary>
    public List<string> RemoveResponseHeaders { get; set; } = [];
}
