using DataGateway.Contracts.V1;

namespace DataGateway.Bench;

/// <summary>S7: estate inquiry over the 107 items against its slowest unit and its three-step floor.</summary>
internal sealed partial class Scenarios
{
    private async Task<ScenarioResult> EstateAsync(CancellationToken cancellationToken)
    {
        var result = new ScenarioResult("s7", "estate inquiry over the 107 items");
        await UseGatewayAsync(Uncached, cancellationToken);
        await stack.ResetSimulatorAsync(cancellationToken);
        var client = new EstateService.EstateServiceClient(stack.GatewayChannel);
        var notary = BenchStack.Bearer(stack.Identities.NotaryToken);
        var request = new CreateEstateInquiryRequest
        {
            NotarialFileNumber = "(2025)浙绍上证民字第9001号",
            // The deceased persona of config/personas.json and its spouse.
            Deceased = new Subject { IdNumber = "330682194805160012", Name = "陈国华" },
            Applicant = new EstateApplicant { IdNumber = "330682195002230026", Name = "李秀英", Relationship = EstateRelationship.Spouse },
            Fresh = true,
        };

        // Which units one inquiry asks, and how slow each is: from the simulator's own counters.
        var before = await CallsByUnitAsync(cancellationToken);
        await client.CreateEstateInquiryAsync(request, notary, cancellationToken: cancellationToken);
        var after = await CallsByUnitAsync(cancellationToken);
        var asked = after.Where(a => a.Value > before.GetValueOrDefault(a.Key)).Select(a => a.Key).ToHashSet(StringComparer.Ordinal);
        var latencyOf = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var unitId in asked)
        {
            latencyOf[unitId] = (await stack.UnitStatsAsync(unitId, cancellationToken)).LatencyMs;
        }

        var slowest = latencyOf.Count == 0 ? double.NaN : latencyOf.Values.Max();
        // The inquiry asks in three steps, each after the last: death items, kinship items, then the rest.
        double StageFloor(Func<string, bool> itemInStage) => catalog.Units
            .Where(u => asked.Contains(u.Id) && u.DataItems.Any(itemInStage))
            .Select(u => latencyOf[u.Id])
            .DefaultIfEmpty(0)
            .Max();
        var staged = StageFloor(c => c.StartsWith("EST-DEATH-", StringComparison.Ordinal))
            + StageFloor(c => c.StartsWith("EST-KIN-", StringComparison.Ordinal))
            + StageFloor(c => c.StartsWith("EST-", StringComparison.Ordinal) && !c.StartsWith("EST-DEATH-", StringComparison.Ordinal) && !c.StartsWith("EST-KIN-", StringComparison.Ordinal));

        var rate = settings.Smoke ? 5.0 : 20.0;
        async Task<CallOutcome> Inquire(long i, CancellationToken token)
        {
            var response = await client.CreateEstateInquiryAsync(request, notary, cancellationToken: token);
            return response.Report is null ? CallOutcome.Incomplete : CallOutcome.Ok;
        }

        await OpenLoop.RunAsync(rate, settings.PathWarmUp, Inquire, cancellationToken);
        var run = await OpenLoop.RunAsync(rate, settings.Duration, Inquire, cancellationToken);
        result.Figure("gateway", run);
        result.Figures["unitsAsked"] = asked.Count;
        result.Figures["slowestUnitMs"] = slowest;
        result.Figures["stagedFloorMs"] = staged;
        result.Row($"p50 vs slowest of the {asked.Count} units asked", Report.Ms(run.Latencies.P50Ms), Report.Ms(slowest), Report.Ratio(run.Latencies.P50Ms / slowest), "≤ 1.10×", run.Latencies.P50Ms <= 1.10 * slowest);
        result.Row("p50 vs its three steps' floor (death → kinship → rest)", Report.Ms(run.Latencies.P50Ms), Report.Ms(staged), Report.Ratio(run.Latencies.P50Ms / staged), "", null);
        result.Row("p99", Report.Ms(run.Latencies.P99Ms), Report.Ms(staged), Report.Ratio(run.Latencies.P99Ms / staged), "", null);
        NoteErrors(result, "gateway", run);
        return result;
    }
}
