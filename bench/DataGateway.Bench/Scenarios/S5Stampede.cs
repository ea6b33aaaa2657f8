using System.Diagnostics;
using DataGateway.Contracts.V1;
using Grpc.Core;

namespace DataGateway.Bench;

/// <summary>S5: stampede — 1,000 identical cold queries at once; unit calls counted.</summary>
internal sealed partial class Scenarios
{
    private async Task<ScenarioResult> StampedeAsync(CancellationToken cancellationToken)
    {
        var result = new ScenarioResult("s5", "stampede: 1,000 identical concurrent cold queries");
        await UseGatewayAsync(Cached, cancellationToken);
        await SixUnitsAtAsync(FanOutLatencyMs, cancellationToken);
        var cold = BenchIdentities.Subject(RotatingSubjects + Random.Shared.Next(0, BenchIdentities.CaseSubjects - RotatingSubjects));
        var before = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var unit in SixUnits)
        {
            before[unit.Id] = (await stack.UnitStatsAsync(unit.Id, cancellationToken)).Calls;
        }

        const int queries = 1000;
        var latencies = new Latencies();
        var clock = Stopwatch.StartNew();
        var failed = 0;
        var tasks = Enumerable.Range(0, queries).Select(async _ =>
        {
            try
            {
                await QueryAsync(cold, cancellationToken);
            }
            catch (RpcException)
            {
                Interlocked.Increment(ref failed);
            }

            latencies.Record(clock.Elapsed);
        }).ToList();
        await Task.WhenAll(tasks);

        var calls = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var unit in SixUnits)
        {
            calls[unit.Id] = (await stack.UnitStatsAsync(unit.Id, cancellationToken)).Calls - before[unit.Id];
        }

        result.Figures["unitCalls"] = calls;
        result.Figures["failed"] = failed;
        result.Figures["p50Ms"] = ScenarioResult.Round(latencies.P50Ms);
        result.Figures["p99Ms"] = ScenarioResult.Round(latencies.P99Ms);
        var max = calls.Values.Max();
        result.Row("calls per unit for 1,000 identical queries", $"{calls.Values.Min()}–{max}", $"{queries:#,0} without the cache", Report.Ratio(max / (double)queries), "exactly 1", calls.Values.All(c => c == 1) && failed == 0);
        result.Row("latency of the 1,000 (all sent at once)", $"p50 {Report.Ms(latencies.P50Ms)}, p99 {Report.Ms(latencies.P99Ms)}", Report.Ms(FanOutLatencyMs) + " floor", Report.Ratio(latencies.P99Ms / FanOutLatencyMs), "", null);
        if (failed > 0)
        {
            result.Notes.Add($"{failed} queries failed.");
        }

        return result;
    }
}
