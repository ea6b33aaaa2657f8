using System.Text;
using DataGateway.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace DataGateway.IntegrationTests.Accountability;

/// <summary>A REST request exactly as the test means it: raw (percent-encoded) path and query, raw body bytes.</summary>
internal sealed record RawRequest(string Method, string RawPath, string RawQuery, string? ContentType, byte[]? Body, string? Token)
{
    /// <summary>The request line, headers and body, long parts shortened with their length, for a failure message.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(Method).Append(' ').Append(Shorten(RawPath + RawQuery, 300));
        text.Append(ContentType is null ? " (no Content-Type)" : $" Content-Type: {ContentType}");
        if (Body is not null)
        {
            var utf8 = Encoding.UTF8.GetString(Body);
            var readable = !utf8.Contains('\uFFFD', StringComparison.Ordinal);
            text.Append(readable
                ? $" body ({Body.Length} bytes): {Shorten(utf8, 400)}"
                : $" body ({Body.Length} bytes, base64): {Shorten(Convert.ToBase64String(Body), 400)}");
        }

        return text.ToString();
    }

    private static string Shorten(string value, int max) =>
        value.Length <= max ? value : $"{value[..max]}…({value.Length} chars)";
}

internal sealed record RawResponse(int Status, string? ContentType, string Body)
{
    public string MediaType => ContentType?.Split(';')[0].Trim() ?? string.Empty;

    public override string ToString() => $"{Status} {ContentType}: {(Body.Length <= 300 ? Body : Body[..300] + "…")}";
}

/// <summary>
/// Sends requests straight into the host's in-memory server, the way Kestrel hands them to the app: the path
/// percent-decoded (except %2F; undecodable UTF-8 escapes left as they are), the query string raw. HttpClient would
/// normalise "..", refuse "%00" and re-escape, so the gateway would never see those inputs.
/// </summary>
internal static class RawRest
{
    public static async Task<RawResponse> SendAsync(GatewayTestHost host, RawRequest request)
    {
        var context = await AccountabilityTesting.Server(host).SendAsync(c =>
        {
            c.Request.Method = request.Method;
            c.Request.Path = DecodePath(request.RawPath);
            c.Request.QueryString = new QueryString(request.RawQuery);
            if (request.Token is not null)
            {
                c.Request.Headers.Authorization = "Bearer " + request.Token;
            }

            if (request.ContentType is not null)
            {
                c.Request.ContentType = request.ContentType;
            }

            if (request.Body is not null)
            {
                c.Request.Body = new MemoryStream(request.Body);
                c.Request.ContentLength = request.Body.Length;
            }
        });

        using var reader = new StreamReader(context.Response.Body, Encoding.UTF8);
        return new RawResponse(context.Response.StatusCode, context.Response.ContentType, await reader.ReadToEndAsync());
    }

    private static PathString DecodePath(string rawPath)
    {
        try
        {
            return PathString.FromUriComponent(rawPath);
        }
        catch (InvalidOperationException)
        {
            // "%00": Kestrel answers 400 itself, but other servers (HTTP.sys, a proxy) may pass a NUL through.
            return new PathString(Uri.UnescapeDataString(rawPath));
        }
    }
}
