using System.Collections.Concurrent;
using System.Diagnostics;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Catalog;
using Grpc.Core;

namespace DataGateway.Bench;

/// <summary>How long and how hard the scenarios run.</summary>
/// <param name="GatewayWarmUp">
/// How long each newly started gateway answers queries at least before anything is measured (then on until its JIT
/// settles: <see cref="Scenarios.WarmUntilJitSettlesAsync"/>). A gateway runs for weeks; its first
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
internal sealed partial class Scenarios(BenchStack stack, BenchSettings settings, UnitCatalog catalog, TextWriter output)
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
    /// of integrated queries (six units at 20 ms, the rotating subjects) and more until its JIT settles, so that no
    /// scenario measures a process still starting up.
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
