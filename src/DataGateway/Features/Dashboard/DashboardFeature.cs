using System.Reflection;

namespace DataGateway.Features.Dashboard;

/// <summary>
/// The agency admins' dashboard: a static page and script at /dashboard/ on the REST port, built into the gateway's
/// assembly. The page holds no data, so it is served without a token; everything it shows comes from the SLA API with
/// the admin's bearer token (pasted, or passed once as ?token= in Development; from the district's OIDC sign-in in
/// production).
/// </summary>
internal static class DashboardFeature
{
    private const string ResourcePrefix = "Dashboard/";

    // The page runs only its own script and talks only to this gateway; the token must not leak through a Referer.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["dashboard.js"] = "text/javascript; charset=utf-8",
        ["dashboard.css"] = "text/css; charset=utf-8",
    };

    public static WebApplication MapDashboard(this WebApplication app)
    {
        var assets = ContentTypes.Keys.ToDictionary(name => name, Load, StringComparer.Ordinal);
        app.MapGet("/dashboard/{file?}", (HttpContext context, string? file) =>
        {
            // The page loads its script and style relative to itself, so it must be addressed as a folder.
            if (string.IsNullOrEmpty(file) && !context.Request.Path.Value!.EndsWith('/'))
            {
                return Results.Redirect("/dashboard/" + context.Request.QueryString);
            }

            var name = string.IsNullOrEmpty(file) ? "index.html" : file;
            if (!assets.TryGetValue(name, out var content))
            {
                return Results.NotFound();
            }

            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-cache";
            return Results.Bytes(content, ContentTypes[name]);
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static byte[] Load(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"The dashboard asset '{name}' is not embedded in the gateway (see DataGateway.csproj).");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
