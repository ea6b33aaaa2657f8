using System.Globalization;

namespace DataGateway.Bench;

/// <summary>S1: fan-out — one query to 6 units at 20 ms, against the floor and the same calls made directly.</summary>
internal sealed partial class Scenarios
{
    private async Task<ScenarioResult> FanOutAsync(CancellationToken cancellationToken)
    {
        var result = new ScenarioResult("s1", $"fan-out: 6 units at 20 ms, {settings.S1Rate.ToString(CultureInfo.InvariantCulture)} q/s");
        await UseGatewayAsync(Uncached, cancellationToken);
        await SixUnitsAtAsync(FanOutLatencyMs, cancellationToken);
        var rate = settings.S1Rate;

        await OpenLoop.RunAsync(rate, settings.WarmUp, GatewayQuery, cancellationToken);
        await OpenLoop.RunAsync(rate, settings.WarmUp, DirectParallel, cancellationToken);
        // The gateway and its baseline take turns in one run, so a machine that gets busier or quieter over the minute
        // moves both alike (run one after the other, the direct baseline's p50 moved by up to 2 ms between runs).
        var before = await GatewayCost.ReadAsync(stack, cancellationToken);
        var (gateway, parallel) = await TakingTurnsAsync(rate, settings.Duration, GatewayQuery, DirectParallel, cancellationToken);
        var cost = GatewayCost.Between(before, await GatewayCost.ReadAsync(stack, cancellationToken), gateway.Sent);
        var sequential = await OpenLoop.RunAsync(rate, settings.Duration, DirectSequential, cancellationToken);
        result.Figure("gateway", gateway);
        result.Figure("directParallel", parallel);
        result.Figure("directSequential", sequential);
        result.Figures["floorMs"] = FanOutLatencyMs;

        double floor = FanOutLatencyMs;
        result.Row("p50 vs floor (slowest unit, 20 ms)", Report.Ms(gateway.Latencies.P50Ms), Report.Ms(floor), Report.Ratio(gateway.Latencies.P50Ms / floor), "≤ 1.05×", gateway.Latencies.P50Ms <= 1.05 * floor);
        result.Row("p99 vs floor", Report.Ms(gateway.Latencies.P99Ms), Report.Ms(floor), Report.Ratio(gateway.Latencies.P99Ms / floor), "≤ 1.25×", gateway.Latencies.P99Ms <= 1.25 * floor);
        result.Row("p50 vs 6 direct calls in parallel", Report.Ms(gateway.Latencies.P50Ms), Report.Ms(parallel.Latencies.P50Ms), Report.Ratio(gateway.Latencies.P50Ms / parallel.Latencies.P50Ms), "", null);
        result.Row("p99 vs 6 direct calls in parallel", Report.Ms(gateway.Latencies.P99Ms), Report.Ms(parallel.Latencies.P99Ms), Report.Ratio(gateway.Latencies.P99Ms / parallel.Latencies.P99Ms), "", null);
        result.Row("p50 vs 6 direct calls one after another", Report.Ms(gateway.Latencies.P50Ms), Report.Ms(sequential.Latencies.P50Ms), Report.Ratio(gateway.Latencies.P50Ms / sequential.Latencies.P50Ms), "", null);
        CostRow(result, "query", "gatewayCost", cost);
        NoteErrors(result, "gateway", gateway);
        return result;
    }
}
