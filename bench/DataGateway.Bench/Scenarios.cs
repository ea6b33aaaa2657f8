using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Catalog;
using Grpc.Core;

namespace DataGateway.Bench;

/// <summary>How long and how hard the scenarios run.</summary>
/// <param name="GatewayWarmUp">
/// How long each newly started gateway answers queries before anything is measured. A gateway runs for weeks; its first
/// seconds (JIT tier-up of every method on the query path, pools and connections being filled) are start-up, not the
/// steady state the targets are about.
/// </param>
/// <param name="S1Rate">S1's query rate (200 q/s unless given): another rate is for profiling, not for the table.</param>
internal sealed record BenchSettings(bool Smoke, TimeSpan Duration, DateTimeOffset StartedAt, TimeSpan GatewayWarmUp, double S1Rate = 200)
{
    /// <summary>A short run for warming up before a measured one.</summary>
    public TimeSpan WarmUp => Smoke ? TimeSpan.FromMilliseconds(300) : TimeSpan.FromSeconds(2);

    /// <summary>
    /// The warm-up of a gateway path the gateway's own warm-up (integrated queries) does not take — pass-through, estate
    /// inquiries — or that must not start in the gateway's first ~25 s: as long as <see cref="GatewayWarmUp"/>.
    /// </summary>
    public TimeSpan PathWarmUp => GatewayWarmUp > WarmUp ? GatewayWarmUp : WarmUp;
}

/// <summary>
/// The scenarios of the benchmark. Each measures the gateway and, in the same run, its baseline: what the units
/// themselves cost when the bench calls them directly, so each figure is a ratio that survives a noisy machine.
/// </summary>
internal sealed class Scenarios(BenchStack stack, BenchSettings settings, UnitCatalog catalog, TextWriter output)
{
    /// <summary>Six asset kinds each answered by exactly one unit, of six different unit kinds.</summary>
    public static readonly string[] SixKinds = ["REAL_ESTATE", "LAND_USE_RIGHT", "VEHICLE", "TAX", "PROVIDENT_FUND", "SOCIAL_INSURANCE"];

    private const int FanOutLatencyMs = 20;

    /// <summary>Single-query scenarios rotate over these debtors of the main case; the rest are kept for cold queries.</summary>
    private const int RotatingSubjects = 150;

    /// <summary>Cache off (every query asks its units), 32 calls in flight per unit for every kind asked.</summary>
    private static readonly Dictionary<string, string> Uncached = new(StringComparer.Ordinal)
    {
        ["Caching:Enabled"] = "false",
        ["Resilience:Default:MaxConcurrency"] = "32",
        ["Resilience:Kinds:RealEstateRegistry:MaxConcurrency"] = "32",
    };

    private static readonly Dictionary<string, string> Cached = new(StringComparer.Ordinal)
    {
        ["Caching:Enabled"] = "true",
        ["Resilience:Default:MaxConcurrency"] = "32",
        ["Resilience:Kinds:RealEstateRegistry:MaxConcurrency"] = "32",
    };

    private IReadOnlyList<UnitDefinition> SixUnits { get; } = catalog.UnitsAnswering(SixKinds);

    private Metadata Judge => BenchStack.Bearer(stack.Identities.JudgeToken);

    public static IReadOnlyList<string> All { get; } = ["s1", "s2", "s3", "s4", "s5", "s6", "s7"];

    public Task<ScenarioResult> RunAsync(string id, CancellationToken cancellationToken) => id switch
    {
        "s1" => FanOutAsync(cancellationToken),
        "s2" => ThroughputAsync(cancellationToken),
        "s3" => BatchAsync(cancellationToken),
        "s4" => DeadUnitAsync(cancellationToken),
        "s5" => StampedeAsync(cancellationToken),
        "s6" => PassThroughAsync(cancellationToken),
        "s7" => EstateAsync(cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(id), id, "unknown scenario"),
    };

    // ---- S1 ----------------------------------------------------------------------------------------------------

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

    // ---- S2 ----------------------------------------------------------------------------------------------------

    private async Task<ScenarioResult> ThroughputAsync(CancellationToken cancellationToken)
    {
        var result = new ScenarioResult("s2", "throughput: most queries/s with p99 ≤ 50 ms");
        var step = settings.Smoke ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(Math.Clamp(settings.Duration.TotalSeconds / 3, 2, 10));

        // All hits: one subject, answered once before the ramp.
        await UseGatewayAsync(Cached, cancellationToken);
        await SixUnitsAtAsync(FanOutLatencyMs, cancellationToken);
        var hot = BenchIdentities.Subject(0);
        await QueryAsync(hot, cancellationToken);
        double[] hitRates = settings.Smoke ? [500, 1000] : [250, 500, 1000, 1500, 2000, 2500, 3500, 5000, 7500, 10_000, 12_500, 15_000, 17_500, 20_000, 25_000];
        var (hit, hitCost) = await RampAsync("hit", hitRates, step, (_, token) => CheckedQueryAsync(hot, expectCached: true, token), throughGateway: true, result, cancellationToken);

        await UseGatewayAsync(Uncached, cancellationToken);
        await SixUnitsAtAsync(FanOutLatencyMs, cancellationToken);
        double[] missRates = settings.Smoke ? [200, 400] : [100, 200, 350, 500, 750, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 5000];
        var (miss, missCost) = await RampAsync("miss", missRates, step, GatewayQuery, throughGateway: true, result, cancellationToken);
        var (direct, _) = await RampAsync("direct", missRates, step, DirectParallel, throughGateway: false, result, cancellationToken);

        result.Row("cache off (every query asks 6 units at 20 ms)", Report.N(miss) + " q/s", Report.N(direct) + " q/s (6 direct calls in parallel)", Report.Ratio(miss / direct), "≥ 2,500 q/s", miss >= 2500);
        result.Row("all hits (cache on, same subject)", Report.N(hit) + " q/s", "", "", "≥ 15,000 q/s", hit >= 15_000);
        CostRow(result, $"miss at {Report.N(missCost.Rate)} q/s", "missCost", missCost.Cost);
        CostRow(result, $"hit at {Report.N(hitCost.Rate)} q/s", "hitCost", hitCost.Cost);
        return result;
    }

    /// <summary>
    /// Steps the rate up until p99 passes 50 ms (or more than 1% of calls fail); returns the last rate that held and what
    /// the gateway spent per query at it — at the first rate when none held (no cost for the direct ramp, which does not
    /// touch the gateway).
    /// </summary>
    private async Task<(double Rate, (double Rate, GatewayCost.PerQuery? Cost) Cost)> RampAsync(
        string name, double[] rates, TimeSpan step, Func<long, CancellationToken, Task<CallOutcome>> call, bool throughGateway, ScenarioResult result, CancellationToken cancellationToken)
    {
        // Each ramp here follows a newly started gateway, whose first ~25 s after start (on 2 shared cores) are still
        // start-up: the JIT's tier-up of the query path (20-30 % of the gateway's CPU at 10-20 s) and thread-pool
        // threads injected during start-up spinning until they retire. The first step, 1,000 queries at the lowest
        // rate, used to land in it, where one stall of 100 ms decides its p99 (bench S2: p99 220 ms at 100 q/s, when
        // S1 held 32.7 ms at 200). So the ramp is warmed as long as a new gateway is, on top of that warm-up.
        await OpenLoop.RunAsync(rates[0], settings.PathWarmUp, call, cancellationToken);
        double held = 0;
        (double Rate, GatewayCost.PerQuery? Cost) heldCost = (rates[0], null);
        foreach (var rate in rates)
        {
            var before = throughGateway ? await GatewayCost.ReadAsync(stack, cancellationToken) : null;
            var run = await OpenLoop.RunAsync(rate, step, call, cancellationToken);
            var cost = throughGateway ? GatewayCost.Between(before, await GatewayCost.ReadAsync(stack, cancellationToken), run.Sent) : null;
            var key = $"{name}@{rate.ToString(CultureInfo.InvariantCulture)}";
            result.Figure(key, run);
            if (cost is not null)
            {
                result.Figures[key + ".cost"] = cost;
            }

            var ok = run.Latencies.P99Ms <= 50 && run.Bad <= run.Sent / 100 && run.AchievedRate >= 0.97 * rate;
            if (ok || (held == 0 && rate == rates[0]))
            {
                heldCost = (rate, cost);
            }

            output.WriteLine($"    {name,-6} {rate,7:0} q/s: achieved {run.AchievedRate,7:0}, p50 {run.Latencies.P50Ms,7:0.0} ms, p99 {run.Latencies.P99Ms,8:0.0} ms, bad {run.Bad}{(cost is null ? string.Empty : "; " + cost)}{(ok ? string.Empty : "  <- limit")}");
            if (!ok)
            {
                break;
            }

            held = rate;
            await Task.Delay(300, cancellationToken);
        }

        result.Figures[$"{name}MaxRate"] = held;
        return (held, heldCost);
    }

    /// <summary>
    /// Two rows (and a figure) for what the gateway spent per <paramref name="per"/>: CPU summed over cores, and bytes
    /// allocated. Left out, with a note, when its metrics could not be read — except in a smoke run against a gateway the
    /// bench started (what CI runs), where it fails the scenario: the runtime's counters are always there, so a miss
    /// means the parsing or the series' names broke.
    /// </summary>
    private void CostRow(ScenarioResult result, string per, string figure, GatewayCost.PerQuery? cost)
    {
        if (cost is null)
        {
            if (settings.Smoke && stack.Owned)
            {
                throw new InvalidOperationException($"gateway cost per {per}: the gateway's /metrics had no CPU, allocation or JIT counter the bench could read");
            }

            result.Notes.Add($"gateway cost per {per}: the gateway's /metrics could not be read");
            return;
        }

        result.Figures[figure] = cost;
        result.Row($"gateway CPU per {per} (all cores)", Report.N(cost.CpuMicroseconds) + " µs", "", "", "", null);
        result.Row($"gateway allocation per {per}", Report.N(cost.AllocatedKilobytes) + " KB", "", "", "", null);
    }

    // ---- S3 ----------------------------------------------------------------------------------------------------

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

    // ---- S4 ----------------------------------------------------------------------------------------------------

    private async Task<ScenarioResult> DeadUnitAsync(CancellationToken cancellationToken)
    {
        var result = new ScenarioResult("s4", "dead unit: one of 6 hangs");
        // A fresh gateway: no circuit remembered from another scenario.
        stack.ForgetGateway();
        await UseGatewayAsync(Uncached, cancellationToken);
        await SixUnitsAtAsync(FanOutLatencyMs, cancellationToken);
        const double rate = 200;
        var dead = SixUnits.First(u => u.Kind == UnitKind.VehicleAdmin);
        var healthyFor = settings.Smoke ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(Math.Max(5, settings.Duration.TotalSeconds / 2));
        var hangFor = settings.Smoke ? TimeSpan.FromSeconds(4) : TimeSpan.FromSeconds(45);
        var total = healthyFor + hangFor;
        var count = (int)(rate * total.TotalSeconds);
        var latencyMs = new double[count];
        var circuitOpen = new bool[count];

        await OpenLoop.RunAsync(rate, settings.WarmUp, GatewayQuery, cancellationToken);
        var clock = Stopwatch.StartNew();
        var hang = Task.Run(async () =>
        {
            await Task.Delay(healthyFor, cancellationToken);
            await stack.SetFaultAsync(dead.Id, new { latencyMs = FanOutLatencyMs, mode = "hang" }, cancellationToken);
            return clock.Elapsed;
        }, cancellationToken);
        var run = await OpenLoop.RunAsync(
            rate,
            total,
            async (i, token) =>
            {
                var response = await QueryAsync(BenchIdentities.Subject((int)(i % RotatingSubjects)), token);
                if (i < count)
                {
                    circuitOpen[i] = response.Units.Any(u => u.UnitId == dead.Id && u.Status == UnitStatus.CircuitOpen);
                }

                return response.Units.Count == SixUnits.Count ? CallOutcome.Ok : CallOutcome.Incomplete;
            },
            cancellationToken,
            (i, completedAt, _) =>
            {
                if (i < count)
                {
                    latencyMs[i] = (completedAt - TimeSpan.FromSeconds(i / rate)).TotalMilliseconds;
                }
            });
        var hungAt = (await hang).TotalSeconds;
        // The breaker is left open in this gateway: the next scenario gets a fresh one.
        stack.ForgetGateway();
        await stack.SetFaultAsync(dead.Id, new { latencyMs = FanOutLatencyMs }, cancellationToken);

        double DueOf(int i) => i / rate;
        double P99(Func<int, bool> where)
        {
            var selected = Enumerable.Range(0, count).Where(where).Select(i => latencyMs[i]).Order().ToArray();
            return selected.Length == 0 ? double.NaN : selected[Math.Min(selected.Length - 1, (int)Math.Ceiling(selected.Length * 0.99) - 1)];
        }

        var healthy = P99(i => DueOf(i) < hungAt);
        // The breaker opened when its first CIRCUIT_OPEN answer came back, not when that query was sent: queries that
        // were already waiting for the hung unit's slots are answered CIRCUIT_OPEN at the opening, and counting the
        // opening from their due time would put their waits into "after the breaker opened".
        var firstOpen = Enumerable.Range(0, count)
            .Where(i => circuitOpen[i] && DueOf(i) >= hungAt)
            .Select(i => DueOf(i) + latencyMs[i] / 1000)
            .DefaultIfEmpty(double.NaN)
            .Min();
        var openedAfter = firstOpen - hungAt;
        var whileClosed = P99(i => DueOf(i) >= hungAt && (double.IsNaN(firstOpen) || DueOf(i) < firstOpen));
        var afterOpen = double.IsNaN(firstOpen) ? double.NaN : P99(i => DueOf(i) >= firstOpen);

        // Recovery: the first second from which every later second's p99 is within 1.25× the healthy p99.
        var seconds = (int)Math.Ceiling(total.TotalSeconds);
        var bySecond = Enumerable.Range(0, seconds).Select(s => P99(i => DueOf(i) >= s && DueOf(i) < s + 1)).ToArray();
        double recoveredAfter = double.NaN;
        for (var s = (int)Math.Floor(hungAt) + 1; s < seconds; s++)
        {
            if (bySecond.Skip(s).All(p => double.IsNaN(p) || p <= 1.25 * healthy))
            {
                recoveredAfter = s - hungAt;
                break;
            }
        }

        result.Figure("all", run);
        result.Figures["healthyP99Ms"] = ScenarioResult.Round(healthy);
        result.Figures["whileClosedP99Ms"] = ScenarioResult.Round(whileClosed);
        result.Figures["afterOpenP99Ms"] = ScenarioResult.Round(afterOpen);
        result.Figures["breakerOpenedAfterSeconds"] = ScenarioResult.Round(openedAfter);
        result.Figures["recoveredAfterSeconds"] = ScenarioResult.Round(recoveredAfter);
        result.Figures["p99BySecondMs"] = bySecond.Select(ScenarioResult.Round).ToArray();
        result.Figures["deadUnit"] = dead.Id;
        // The breaker's window is its sampling duration (config/resilience.json Default.SamplingDurationMs): the time in
        // which it judges a unit's failures. Its break duration (30 s) is how long it stays open, not how long it may take.
        const double window = 10;
        result.Row("p99 healthy", Report.Ms(healthy), Report.Ms(FanOutLatencyMs) + " floor", Report.Ratio(healthy / FanOutLatencyMs), "", null);
        result.Row("p99 after the hang, breaker still closed", Report.Ms(whileClosed), Report.Ms(healthy) + " healthy", Report.Ratio(whileClosed / healthy), "", null);
        result.Row(double.IsNaN(openedAfter) ? "p99 after the breaker opened (it did not open in the run)" : $"p99 after the breaker opened ({Report.N(openedAfter)} s after the hang)", Report.Ms(afterOpen), Report.Ms(healthy) + " healthy", Report.Ratio(afterOpen / healthy), "≤ 1.25×", afterOpen <= 1.25 * healthy);
        // The target read as written: one breaker window after the hang, the p99 of the queries from then on is back
        // within 1.25× the healthy p99. The row after it is stricter and noisier (each second's p99 is the second-worst of
        // 200 queries, so two slow queries in any later second move it) and is shown, not judged.
        var afterWindow = P99(i => DueOf(i) >= hungAt + window);
        result.Figures["afterWindowP99Ms"] = ScenarioResult.Round(afterWindow);
        result.Row($"p99 from one breaker window ({window:0} s) after the hang on", Report.Ms(afterWindow), Report.Ms(healthy) + " healthy", Report.Ratio(afterWindow / healthy), "≤ 1.25×", afterWindow <= 1.25 * healthy);
        result.Row("every later second's p99 within 1.25× healthy from", double.IsNaN(recoveredAfter) ? "never" : $"{recoveredAfter:0.0} s after the hang", $"{window:0} s breaker window (sampling)", "", "", null);
        return result;
    }

    // ---- S5 ----------------------------------------------------------------------------------------------------

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

    // ---- S6 ----------------------------------------------------------------------------------------------------

    private async Task<ScenarioResult> PassThroughAsync(CancellationToken cancellationToken)
    {
        var result = new ScenarioResult("s6", "pass-through: YARP route vs the unit's own HTTP API");
        await UseGatewayAsync(Uncached, cancellationToken);
        await stack.ResetSimulatorAsync(cancellationToken);
        const double rate = 200;
        var subject = BenchIdentities.Subject(RotatingSubjects).IdNumber;
        var viaGateway = new Uri(stack.Targets.GatewayRest, "/v1/units/tax-bureau/passthrough/holdings");
        var direct = new Uri(stack.Targets.SimulatorHttp, "/units/tax-bureau/api/holdings");
        var caseHeader = Uri.EscapeDataString(BenchIdentities.MainCase);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) });

        async Task<CallOutcome> Gateway(long i, CancellationToken token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, viaGateway);
            request.Headers.Authorization = new("Bearer", stack.Identities.JudgeToken);
            request.Headers.Add("X-Case-Number", caseHeader);
            request.Headers.Add("X-Subject-Id", subject);
            using var response = await http.SendAsync(request, token);
            await response.Content.ReadAsByteArrayAsync(token);
            return response.IsSuccessStatusCode ? CallOutcome.Ok : CallOutcome.Failed;
        }

        async Task<CallOutcome> Direct(long i, CancellationToken token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, direct);
            request.Headers.Add("X-DataGateway-Subject", subject);
            using var response = await http.SendAsync(request, token);
            await response.Content.ReadAsByteArrayAsync(token);
            return response.IsSuccessStatusCode ? CallOutcome.Ok : CallOutcome.Failed;
        }

        // The pass-through path (YARP, its HTTP client, the gate) is not on the gateway's warm-up: profiles of a 2-second
        // warm-up still showed it at the JIT's instrumented tier while measured.
        await OpenLoop.RunAsync(rate, settings.PathWarmUp, Gateway, cancellationToken);
        await OpenLoop.RunAsync(rate, settings.WarmUp, Direct, cancellationToken);
        // Measured in two runs one after the other, the unit's API alone came out at p50 284 µs in one and 2,081 µs in
        // the next on this VM, which made "added" noise: the two paths take turns in one run.
        var (gateway, baseline) = await TakingTurnsAsync(rate, settings.Duration, Gateway, Direct, cancellationToken);
        result.Figure("gateway", gateway);
        result.Figure("direct", baseline);
        var addedP50 = gateway.Latencies.Us(50) - baseline.Latencies.Us(50);
        var addedP99 = gateway.Latencies.Us(99) - baseline.Latencies.Us(99);
        result.Figures["addedP50Us"] = addedP50;
        result.Figures["addedP99Us"] = addedP99;
        result.Row("added at p50", $"{addedP50:0} µs ({gateway.Latencies.Us(50):0} µs)", $"{baseline.Latencies.Us(50):0} µs direct", Report.Ratio(gateway.Latencies.Us(50) / baseline.Latencies.Us(50)), "≤ 100 µs", addedP50 <= 100);
        result.Row("added at p99", $"{addedP99:0} µs ({gateway.Latencies.Us(99):0} µs)", $"{baseline.Latencies.Us(99):0} µs direct", Report.Ratio(gateway.Latencies.Us(99) / baseline.Latencies.Us(99)), "", null);
        NoteErrors(result, "gateway", gateway);
        NoteErrors(result, "direct", baseline);
        return result;
    }

    // ---- S7 ----------------------------------------------------------------------------------------------------

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

    // ---- shared ------------------------------------------------------------------------------------------------

    private async Task<Dictionary<string, long>> CallsByUnitAsync(CancellationToken cancellationToken)
    {
        var calls = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(catalog.Units, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (unit, token) =>
            calls[unit.Id] = (await stack.UnitStatsAsync(unit.Id, token)).Calls);
        return new Dictionary<string, long>(calls, StringComparer.Ordinal);
    }

    private async Task<int> MaxInFlightAsync(string unitId, CancellationToken cancellationToken)
    {
        using var document = System.Text.Json.JsonDocument.Parse(await stack.Http.GetStringAsync(new Uri(stack.Targets.SimulatorHttp, $"/sim/units/{unitId}/stats"), cancellationToken));
        return document.RootElement.GetProperty("maxInFlight").GetInt32();
    }

    /// <summary>
    /// <see cref="BenchStack.UseGatewayAsync"/>, then, when that started a new gateway, <see cref="BenchSettings.GatewayWarmUp"/>
    /// of integrated queries (six units at 20 ms, the rotating subjects) so that no scenario measures a cold process.
    /// The simulator is reset afterwards: the warm-up's calls are not counted by any scenario.
    /// </summary>
    private async Task UseGatewayAsync(IReadOnlyDictionary<string, string> gatewaySettings, CancellationToken cancellationToken)
    {
        await stack.UseGatewayAsync(gatewaySettings, cancellationToken);
        if (!stack.Owned || stack.GatewayStarts == _warmedGateway || settings.GatewayWarmUp <= TimeSpan.Zero)
        {
            return;
        }

        await SixUnitsAtAsync(FanOutLatencyMs, cancellationToken);
        var started = Stopwatch.GetTimestamp();
        await OpenLoop.RunAsync(WarmUpRate, settings.GatewayWarmUp, GatewayQuery, cancellationToken);
        var settled = settings.Smoke || await WarmUntilJitSettlesAsync(cancellationToken);
        var warmedFor = Stopwatch.GetElapsedTime(started).TotalSeconds;
        _warmUps.Add(settled ? Math.Round(warmedFor, 1) : -Math.Round(warmedFor, 1));
        await stack.ResetSimulatorAsync(cancellationToken);
        _warmedGateway = stack.GatewayStarts;
    }

    /// <summary>
    /// Keeps the warm-up load on, in steps, until a step in which the gateway's JIT compiled for under 5 % of the step's
    /// time, or <see cref="MaxGatewayWarmUp"/> in all. A fixed warm-up did not fit every start: under S1's load a new
    /// gateway's JIT spent 35-70 % of the wall clock compiling for its first ~16 s and then dropped to 1-3 % within two
    /// seconds; measured inside that phase, a miss cost about twice its settled CPU and S2's first steps failed their
    /// p99 on it. False when the JIT had not settled by the cap (the run goes on; the warm-up is reported negative).
    /// </summary>
    private async Task<bool> WarmUntilJitSettlesAsync(CancellationToken cancellationToken)
    {
        var step = TimeSpan.FromSeconds(2);
        var until = Stopwatch.GetTimestamp() + (long)((MaxGatewayWarmUp - settings.GatewayWarmUp).TotalSeconds * Stopwatch.Frequency);
        var before = await GatewayCost.ReadAsync(stack, cancellationToken);
        while (before is not null && Stopwatch.GetTimestamp() < until)
        {
            await OpenLoop.RunAsync(WarmUpRate, step, GatewayQuery, cancellationToken);
            var after = await GatewayCost.ReadAsync(stack, cancellationToken);
            if (after is null)
            {
                break;
            }

            if (after.JitSeconds - before.JitSeconds < 0.05 * step.TotalSeconds)
            {
                return true;
            }

            before = after;
        }

        return false;
    }

    private const double WarmUpRate = 200;

    private static readonly TimeSpan MaxGatewayWarmUp = TimeSpan.FromSeconds(60);

    private int _warmedGateway;

    /// <summary>Seconds each newly started gateway was warmed for; negative when its JIT had not settled by the cap.</summary>
    private readonly List<double> _warmUps = [];

    /// <summary>How long each newly started gateway was warmed (for the report).</summary>
    public IReadOnlyList<double> GatewayWarmUps => _warmUps;

    /// <summary>Clears the simulator's faults and counters and gives the six units the same fixed latency.</summary>
    private async Task SixUnitsAtAsync(int latencyMs, CancellationToken cancellationToken)
    {
        await stack.ResetSimulatorAsync(cancellationToken);
        foreach (var unit in SixUnits)
        {
            await stack.SetFaultAsync(unit.Id, new { latencyMs }, cancellationToken);
        }
    }

    private Task<CallOutcome> GatewayQuery(long i, CancellationToken cancellationToken) =>
        CheckedQueryAsync(BenchIdentities.Subject((int)(i % RotatingSubjects)), expectCached: false, cancellationToken);

    private async Task<CallOutcome> CheckedQueryAsync(Subject subject, bool expectCached, CancellationToken cancellationToken)
    {
        var response = await QueryAsync(subject, cancellationToken);
        var answered = response.Units.Count == SixUnits.Count && response.Complete && (!expectCached || response.Units.All(u => u.FromCache));
        return answered ? CallOutcome.Ok : CallOutcome.Incomplete;
    }

    private async Task<QueryAssetsResponse> QueryAsync(Subject subject, CancellationToken cancellationToken)
    {
        var client = new EnforcementService.EnforcementServiceClient(stack.GatewayChannel);
        return await client.QueryAssetsAsync(
            new QueryAssetsRequest { CaseNumber = BenchIdentities.MainCase, Subject = subject, AssetKinds = { SixKinds } },
            Judge,
            cancellationToken: cancellationToken);
    }

    private async Task<CallOutcome> DirectParallel(long i, CancellationToken cancellationToken)
    {
        var subject = BenchIdentities.Subject((int)(i % RotatingSubjects));
        var calls = new Task<AnswerQueryResponse>[SixUnits.Count];
        for (var u = 0; u < calls.Length; u++)
        {
            calls[u] = stack.Agency.AnswerQueryAsync(DirectRequest(SixUnits[u], subject, BenchIdentities.MainCase), cancellationToken: cancellationToken).ResponseAsync;
        }

        await Task.WhenAll(calls);
        return CallOutcome.Ok;
    }

    private async Task<CallOutcome> DirectSequential(long i, CancellationToken cancellationToken)
    {
        var subject = BenchIdentities.Subject((int)(i % RotatingSubjects));
        foreach (var unit in SixUnits)
        {
            await stack.Agency.AnswerQueryAsync(DirectRequest(unit, subject, BenchIdentities.MainCase), cancellationToken: cancellationToken);
        }

        return CallOutcome.Ok;
    }

    private AnswerQueryRequest DirectRequest(UnitDefinition unit, Subject subject, string caseNumber) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        UnitId = unit.Id,
        Purpose = new Purpose { CaseNumber = caseNumber },
        Subject = subject,
        AssetKinds = { catalog.AssetKindsOf(unit).Where(SixKinds.Contains) },
        RequesterHash = "bench",
    };

    /// <summary>
    /// Two paths in one open-loop run, calls taking turns (each path at <paramref name="rate"/>), so both see the same
    /// machine; each call's latency is from its due time, as in every open-loop run.
    /// </summary>
    private static async Task<(LoadResult First, LoadResult Second)> TakingTurnsAsync(
        double rate,
        TimeSpan duration,
        Func<long, CancellationToken, Task<CallOutcome>> first,
        Func<long, CancellationToken, Task<CallOutcome>> second,
        CancellationToken cancellationToken)
    {
        var latencies = new[] { new Latencies(), new Latencies() };
        var failed = new long[2];
        var incomplete = new long[2];
        var run = await OpenLoop.RunAsync(
            2 * rate,
            duration,
            (i, token) => i % 2 == 0 ? first(i / 2, token) : second(i / 2, token),
            cancellationToken,
            observe: (i, completedAt, outcome) =>
            {
                var path = (int)(i % 2);
                latencies[path].Record(completedAt - TimeSpan.FromSeconds(i / (2 * rate)));
                if (outcome == CallOutcome.Failed)
                {
                    Interlocked.Increment(ref failed[path]);
                }
                else if (outcome == CallOutcome.Incomplete)
                {
                    Interlocked.Increment(ref incomplete[path]);
                }
            });
        LoadResult Path(int path) => new(rate, run.AchievedRate / 2, latencies[path].Count, failed[path], incomplete[path], latencies[path], run.Elapsed);
        return (Path(0), Path(1));
    }

    private static void NoteErrors(ScenarioResult result, string name, LoadResult run)
    {
        if (run.Bad > 0)
        {
            result.Notes.Add($"{name}: {run.Failed} of {run.Sent} calls failed, {run.Incomplete} answered incompletely.");
        }
    }
}
