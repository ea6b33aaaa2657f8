using System.Diagnostics;
using DataGateway.Contracts.V1;

namespace DataGateway.Bench;

/// <summary>S3: batch — 10,000 subjects × 6 units against the floor, and the gateway's peak memory.</summary>
internal sealed partial class Scenarios
{
    private async Task<ScenarioResult> BatchAsync(CancellationToken cancellationToken)
    {
        var subjects = settings.Smoke ? 400 : 10_000;
        var result = new ScenarioResult("s3", $"batch: {subjects:#,0} subjects × 6 units at 20 ms, 32 in flight per unit");
        await UseGatewayAsync(Uncached, cancellationToken);
        var cases = (subjects + BenchIdentities.CaseSubjects - 1) / BenchIdentities.CaseSubjects;
        await stack.Identities.EnsureBatchCasesAsync(stack, cases, cancellationToken);
        await SixUnitsAtAsync(FanOutLatencyMs, cancellationToken);
        var floor = TimeSpan.FromMilliseconds(subjects * FanOutLatencyMs / 32.0);

        var request = new SubmitBatchRequest { AssetKinds = { SixKinds } };
        for (var row = 0; row < subjects; row++)
        {
            var subject = BenchIdentities.Subject(BenchIdentities.BatchSubjectIndex(row));
            request.Rows.Add(new BatchRow { IdNumber = subject.IdNumber, Name = subject.Name, CaseNumber = BenchIdentities.BatchCase(row / BenchIdentities.CaseSubjects) });
        }

        var client = new BatchService.BatchServiceClient(stack.GatewayChannel);
        // Warm-up: a batch of half the rows first. The gateway's warm-up asks single queries; a batch runs code they never
        // reach (runner, store, Dapper's readers), and while that is compiled the runtime holds back tier-up of
        // everything else, so a first batch spends seconds of its CPU in the JIT (bench S3: 0.4-0.8 s per second over
        // its first ten seconds). That is start-up; its time is reported on its own.
        var warmUpRows = new SubmitBatchRequest { AssetKinds = { SixKinds } };
        warmUpRows.Rows.Add(request.Rows.Take(subjects / 2));
        var (warmUp, warmUpTotal, _) = await RunBatchAsync(client, warmUpRows, cancellationToken);
        await SixUnitsAtAsync(FanOutLatencyMs, cancellationToken);

        var gatewayProcess = stack.Gateway;
        var rssBefore = gatewayProcess?.ResidentBytes();
        var peakReset = gatewayProcess?.ResetPeakResident() ?? false;
        var before = await GatewayCost.ReadAsync(stack, cancellationToken);
        var (batch, total, submitTime) = await RunBatchAsync(client, request, cancellationToken);
        var peak = gatewayProcess?.PeakResidentBytes();
        var cost = GatewayCost.Between(before, await GatewayCost.ReadAsync(stack, cancellationToken), subjects);
        var maxInFlight = 0;
        foreach (var unit in SixUnits)
        {
            maxInFlight = Math.Max(maxInFlight, await MaxInFlightAsync(unit.Id, cancellationToken));
        }

        // Baseline: the same 6 × N calls straight from the bench, 32 at a time per unit.
        var direct = await DirectBatchAsync(subjects, cancellationToken);

        result.Figures["subjects"] = subjects;
        result.Figures["floorSeconds"] = floor.TotalSeconds;
        result.Figures["submitSeconds"] = submitTime.TotalSeconds;
        result.Figures["totalSeconds"] = total.TotalSeconds;
        result.Figures["directSeconds"] = direct.TotalSeconds;
        result.Figures["done"] = batch.Done;
        result.Figures["failed"] = batch.Failed;
        result.Figures["peakRssBytes"] = peak;
        result.Figures["rssBeforeBytes"] = rssBefore;
        result.Figures["peakResetBeforeRun"] = peakReset;
        result.Figures["unitMaxInFlight"] = maxInFlight;
        result.Figures["warmUpSubjects"] = warmUp.Total;
        result.Figures["warmUpSeconds"] = warmUpTotal.TotalSeconds;
        var perSecond = subjects / total.TotalSeconds;
        // A batch whose subjects came back incomplete did not wait for the units (e.g. breakers opened by an overloaded
        // warm-up): its time says nothing about the target.
        var valid = batch.Failed == 0 && maxInFlight > 0;
        result.Row($"time for {subjects:#,0} subjects (submit {submitTime.TotalSeconds:0.00} s incl.)", $"{total.TotalSeconds:0.00} s", $"{floor.TotalSeconds:0.00} s floor; {direct.TotalSeconds:0.00} s direct", $"{Report.Ratio(total / floor)} floor; {Report.Ratio(total / direct)} direct", "≤ 1.10× floor", valid ? total <= floor * 1.10 : null);
        if (!valid)
        {
            result.Notes.Add($"INVALID RUN: {batch.Failed:#,0} subjects incomplete, at most {maxInFlight} calls in flight at a unit; the time is not a measure of the gateway.");
        }

        result.Row("peak memory of the gateway (VmHWM)", peak is { } p ? $"{p / (1024.0 * 1024):0} MB" : "n/a", rssBefore is { } r ? $"{r / (1024.0 * 1024):0} MB before" : "", "", "≤ 300 MB", peak is { } q ? q <= 300L * 1024 * 1024 : null);
        CostRow(result, "subject", "gatewayCost", cost);
        result.Notes.Add($"{batch.Done:#,0}/{batch.Total:#,0} subjects done, {batch.Failed} incomplete, {perSecond:0} subjects/s; most calls in flight at one unit: {maxInFlight} (limit 32){(peakReset ? "; VmHWM reset before the batch" : "; VmHWM includes start-up")}; the warm-up batch before it, the gateway's first: {warmUp.Total:#,0} subjects in {warmUpTotal.TotalSeconds:0.00} s ({warmUp.Total / warmUpTotal.TotalSeconds:0} subjects/s).");
        return result;
    }

    /// <summary>Submits the batch and watches it to its end: its final state, the time from submitting to the end, and the submit's share.</summary>
    private async Task<(Batch Final, TimeSpan Total, TimeSpan Submit)> RunBatchAsync(
        BatchService.BatchServiceClient client, SubmitBatchRequest request, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var submitted = await client.SubmitBatchAsync(request, Judge, cancellationToken: cancellationToken);
        var submitTime = clock.Elapsed;
        var batch = submitted.Batch;
        using (var watch = client.WatchBatch(new WatchBatchRequest { BatchId = batch.BatchId }, Judge, cancellationToken: cancellationToken))
        {
            while (batch.State is not (BatchState.Completed or BatchState.Cancelled) && await watch.ResponseStream.MoveNext(cancellationToken))
            {
                batch = watch.ResponseStream.Current.Batch;
            }
        }

        return (batch, clock.Elapsed, submitTime);
    }

    private async Task<TimeSpan> DirectBatchAsync(int subjects, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var lanes = SixUnits.Select(unit => Task.Run(async () =>
        {
            var next = -1;
            var workers = Enumerable.Range(0, 32).Select(async _ =>
            {
                int row;
                while ((row = Interlocked.Increment(ref next)) < subjects)
                {
                    await stack.Agency.AnswerQueryAsync(DirectRequest(unit, BenchIdentities.Subject(BenchIdentities.BatchSubjectIndex(row)), BenchIdentities.BatchCase(row / BenchIdentities.CaseSubjects)), cancellationToken: cancellationToken);
                }
            });
            await Task.WhenAll(workers);
        }, cancellationToken));
        await Task.WhenAll(lanes);
        return clock.Elapsed;
    }
}
