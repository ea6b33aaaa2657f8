using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DataGateway.Features.Passthrough;
using DataGateway.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace DataGateway.IntegrationTests.Observability;

public sealed class ObservabilityTests
{
    [Fact]
    public async Task Metrics_ShowPerUnitExchangeCountsAndLatencyHistograms_WithoutIdentifiers()
    {
        await using var host = await GatewayTestHost.StartAsync();
        await host.Enforcement(Requests.JudgeToken).QueryAssetsAsync(Requests.AssetQuery(Requests.Debtor, "REAL_ESTATE", "DEPOSIT"));
        using var anonymous = host.Rest(token: null);

        var metrics = await anonymous.GetStringAsync("/metrics");

        // At least one, not exactly one: a CI run under load once found no "} 1" line for this unit (the failure printed
        // only the start of the scrape, so the lines are now in the message). Other hosts run in parallel in this
        // process and OpenTelemetry selects meters by name, so an exact count may not be this host's alone.
        var exchanges = metrics.Split('\n').Where(line => line.StartsWith("datagateway_unit_exchanges_total{", StringComparison.Ordinal)).ToList();
        Assert.True(
            exchanges.Any(line => System.Text.RegularExpressions.Regex.IsMatch(line, "unit=\"realestate-registry\"[^}]*\\} [1-9]")),
            "no exchange counted for realestate-registry in: " + string.Join(" | ", exchanges));
        Assert.Contains("datagateway_unit_duration_seconds_bucket{", metrics);
        Assert.Matches("datagateway_unit_duration_seconds_count\\{[^}]*unit=\"bank-icbc\"", metrics);
        Assert.Contains("datagateway_cache_lookups_total{", metrics);
        Assert.DoesNotContain(Requests.Debtor.IdNumber!, metrics);
    }

    [Fact]
    public async Task Trace_SpansTheGatewayAndTheUnit()
    {
        var exported = new List<Activity>();
        await using var host = await GatewayTestHost.StartAsync(configureServices: services =>
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(exported)));
        using var client = host.Rest(Requests.JudgeToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/units/tax-bureau/passthrough/holdings");
        request.Headers.Add(PassthroughGate.CaseHeader, Uri.EscapeDataString(Requests.CaseNumber));
        request.Headers.Add(PassthroughGate.SubjectHeader, Requests.Debtor.IdNumber);
        using var response = await client.SendAsync(request);
        var answer = await host.Enforcement(Requests.JudgeToken).QueryAssetsAsync(Requests.AssetQuery(Requests.Debtor, "REAL_ESTATE"));
        host.Services.GetRequiredService<TracerProvider>().ForceFlush();
        var spans = Snapshot(exported);

        // The unit's own system received the W3C trace context of the gateway's request span.
        var traceparent = host.Simulator.HttpRequests.To("tax-bureau").Single(r => r.Path.Contains("/api/", StringComparison.Ordinal)).Headers["traceparent"];
        var traceId = traceparent.Split('-')[1];
        var parentSpanId = traceparent.Split('-')[2];
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The gateway's request span is the root; the gateway's outgoing request is the parent the unit was told of.
        var root = spans.Single(s => s.Kind == ActivityKind.Server && s.TraceId.ToString() == traceId && s.ParentSpanId == default);
        var outgoing = spans.Single(s => s.Kind == ActivityKind.Client && s.SpanId.ToString() == parentSpanId);
        Assert.Equal(root.TraceId, outgoing.TraceId);
        Assert.Null(root.GetTagItem("url.path"));

        // A fan-out call is a span of the query's trace, and the unit's own gRPC server span belongs to the same trace.
        // The listener is process-wide, so other tests' spans are here too: pick this query's by its id.
        var unitCall = spans.Single(s => s.Source.Name == "DataGateway" && (string?)s.GetTagItem("request.id") == answer.QueryId);
        Assert.Equal("realestate-registry", unitCall.GetTagItem("unit.id"));
        Assert.Equal("ok", unitCall.GetTagItem("unit.status"));
        Assert.Contains(spans, s => s.Kind == ActivityKind.Server && s.TraceId == unitCall.TraceId && s.DisplayName.Contains("AnswerQuery", StringComparison.Ordinal));
    }

    /// <summary>
    /// The span listener is process-wide, so spans of tests running in parallel keep arriving: copy until a copy
    /// succeeds without the list changing underneath.
    /// </summary>
    private static Activity[] Snapshot(List<Activity> exported)
    {
        while (true)
        {
            try
            {
                return [.. exported];
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
            {
            }
        }
    }

    [Fact]
    public async Task Readyz_GoesUnready_WhenTheStoreIsUnreachable_WhileHealthzStaysAlive()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var anonymous = host.Rest(token: null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/readyz")).StatusCode);

        SqliteConnection.ClearAllPools();
        Directory.Delete(host.DataDirectory, recursive: true);
        using var ready = await anonymous.GetAsync("/readyz");
        using var alive = await anonymous.GetAsync("/healthz");
        Directory.CreateDirectory(host.DataDirectory);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var report = await ready.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Unhealthy", report.GetProperty("checks").GetProperty("store").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheRestSurface()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var anonymous = host.Rest(token: null);

        var document = await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/v1/enforcement/asset-queries", out var query));
        Assert.True(query.TryGetProperty("post", out _));
        Assert.True(paths.TryGetProperty("/v1/units/{unit_id}", out _) || paths.TryGetProperty("/v1/units/{unitId}", out _));
    }
}
