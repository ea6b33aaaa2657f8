using System.Diagnostics;
using System.Diagnostics.Metrics;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Catalog;
using DataGateway.Features.Units;

namespace DataGateway.Features.Observability;

/// <summary>
/// The gateway's own traces and metrics for every exchange with a unit (X-Road-style operational monitoring):
/// which unit, which method, how long, how large, with what status. Labels carry unit ids and kinds, never a subject.
/// </summary>
internal sealed class GatewayTelemetry : IDisposable
{
    public const string SourceName = "DataGateway";

    private readonly Meter _meter;
    private readonly Counter<long> _exchanges;
    private readonly Histogram<double> _duration;
    private readonly Histogram<long> _responseBytes;
    private readonly Counter<long> _cacheLookups;

    public GatewayTelemetry(IMeterFactory meters)
    {
        _meter = meters.Create(SourceName);
        _exchanges = _meter.CreateCounter<long>("datagateway.unit.exchanges", "{exchange}", "Exchanges with units, by unit, method and status.");
        _duration = _meter.CreateHistogram<double>("datagateway.unit.duration", "s", "Time from asking a unit to its answer or to giving up.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10] });
        _responseBytes = _meter.CreateHistogram<long>("datagateway.unit.response.size", "By", "Size of units' answers.");
        _cacheLookups = _meter.CreateCounter<long>("datagateway.cache.lookups", "{lookup}", "Answers served from cache (hit) or fetched (miss), by unit.");
    }

    public static ActivitySource Source { get; } = new(SourceName);

    /// <summary>Records one exchange with a unit (a call, not a cache hit).</summary>
    public void RecordExchange(UnitDefinition unit, string method, UnitStatus status, TimeSpan elapsed, long responseBytes)
    {
        var tags = new TagList
        {
            { "unit", unit.Id },
            { "unit_kind", unit.Kind.ToString() },
            { "method", method },
            { "status", StatusLabel(status) },
        };
        _exchanges.Add(1, tags);
        _duration.Record(elapsed.TotalSeconds, tags);
        if (responseBytes > 0)
        {
            _responseBytes.Record(responseBytes, tags);
        }
    }

    public void RecordCacheLookup(UnitDefinition unit, bool hit) =>
        _cacheLookups.Add(1, new TagList { { "unit", unit.Id }, { "result", hit ? "hit" : "miss" } });

    public static string StatusLabel(UnitStatus status) => UnitStatusNames.Label(status);

    public void Dispose() => _meter.Dispose();
}
