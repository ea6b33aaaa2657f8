using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DataGateway.Features.Api;

/// <summary>/healthz as JSON: overall status and each check's status and description (no data, no identifiers).</summary>
internal static class HealthReportWriter
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        }, cancellationToken: context.RequestAborted);
    }
}
