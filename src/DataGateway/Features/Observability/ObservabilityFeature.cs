using DataGateway.Features.Store;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace DataGateway.Features.Observability;

/// <summary>Settings of the "Observability" section.</summary>
public sealed class ObservabilityOptions
{
    /// <summary>OTLP endpoint for traces and metrics (e.g. an OpenTelemetry Collector). Default null: Prometheus scrape only.</summary>
    public Uri? OtlpEndpoint { get; set; }
}

internal static class ObservabilityFeature
{
    public const string ReadyTag = "ready";

    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Observability").Get<ObservabilityOptions>() ?? new ObservabilityOptions();
        builder.Services.AddSingleton<GatewayTelemetry>();

        var telemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics =>
            {
                metrics
                    .AddMeter(GatewayTelemetry.SourceName)
                    // Polly's resilience events (retries, breaker transitions, timeouts) per pipeline.
                    .AddMeter("Polly")
                    // Not these two: Polly records them for every call through a pipeline (three histogram points with
                    // six or more tags for each call to a unit, 18 per fan-out; ~1 % of a cache-off query's CPU in a
                    // profile of bench S2), and datagateway.unit.duration already times every call per unit and status.
                    .AddView("resilience.polly.pipeline.duration", MetricStreamConfiguration.Drop)
                    .AddView("resilience.polly.strategy.attempt.duration", MetricStreamConfiguration.Drop)
                    .AddMeter("Yarp.ReverseProxy")
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddPrometheusExporter();
                if (options.OtlpEndpoint is { } otlp)
                {
                    metrics.AddOtlpExporter(o => o.Endpoint = otlp);
                }
            })
            .WithTracing(tracing =>
            {
                tracing
                    .AddSource(GatewayTelemetry.SourceName)
                    // Paths and query strings can carry identifiers (a pass-through path, an audit search), so spans keep
                    // the route template (http.route) and drop them.
                    .AddAspNetCoreInstrumentation(o => o.EnrichWithHttpRequest = (activity, _) =>
                    {
                        activity.SetTag("url.query", null);
                        activity.SetTag("url.path", null);
                    })
                    // Outgoing calls to units carry W3C traceparent, so a trace spans gateway -> unit.
                    .AddHttpClientInstrumentation(o => o.EnrichWithHttpRequestMessage = (activity, request) =>
                    {
                        activity.SetTag("url.query", null);
                        if (request.RequestUri is { } uri && !uri.AbsolutePath.StartsWith("/datagateway.", StringComparison.Ordinal))
                        {
                            activity.SetTag("url.full", uri.GetLeftPart(UriPartial.Authority));
                        }
                    });
                if (options.OtlpEndpoint is { } otlp)
                {
                    tracing.AddOtlpExporter(o => o.Endpoint = otlp);
                }
            });
        _ = telemetry;

        builder.Services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>("store", tags: [ReadyTag]);
        return builder;
    }

    public static WebApplication MapObservability(this WebApplication app)
    {
        // Operational figures, no personal data: scraped from inside the network without a token.
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        return app;
    }
}

/// <summary>Ready only while the durable store answers: without it nothing can be audited, so nothing can be answered.</summary>
internal sealed class StoreHealthCheck(GatewayStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await store.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM schema_migrations";
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy("store answers");
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("store unreachable: " + ex.GetType().Name);
        }
    }
}
