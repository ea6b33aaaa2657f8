using System.Net;
using System.Net.Http.Json;
using DataGateway.Contracts.V1;
using DataGateway.Simulator;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;

namespace DataGateway.Tests.Simulator;

/// <summary>The simulator as tests and benchmarks drive it: errors, latency, in-flight tracking, the control API.</summary>
public sealed class SimulatorHostTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private static string Debtor => RunningSimulator.Personas.WithTag("debtor").Identifier;

    [Fact]
    public async Task StartAsync_PortZero_BindsRealPortsOnLoopback()
    {
        await using var simulator = await RunningSimulator.StartAsync();

        Assert.Equal("127.0.0.1", simulator.Host.GrpcAddress.Host);
        Assert.NotEqual(0, simulator.Host.GrpcAddress.Port);
        Assert.NotEqual(0, simulator.Host.HttpAddress.Port);
        Assert.NotEqual(simulator.Host.GrpcAddress.Port, simulator.Host.HttpAddress.Port);
    }

    [Fact]
    public async Task AnswerQuery_UnknownUnit_NotFoundNamingIt()
    {
        await using var simulator = await RunningSimulator.StartAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => simulator.AskAsync("bank-nowhere", Debtor));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("bank-nowhere", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnswerQuery_NoPurpose_InvalidArgumentNamingPurpose()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        var request = RunningSimulator.Request("bank-icbc", Debtor);
        request.Purpose = null;

        var error = await Assert.ThrowsAsync<RpcException>(async () => await simulator.Client.AnswerQueryAsync(request));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("purpose", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, simulator.Host.Stats.CallsTo("bank-icbc"));
    }

    [Fact]
    public async Task AnswerQuery_WrongCheckCharacter_InvalidArgumentWithoutTheNumber()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        var valid = TestIdentifiers.Person(new DateOnly(1985, 3, 12), 21);
        var wrong = valid[..17] + (valid[17] == '1' ? '2' : '1');

        var error = await Assert.ThrowsAsync<RpcException>(() => simulator.AskAsync("bank-icbc", wrong));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("subject.id_number", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnswerQuery_ConcurrentCallsWaitingLatency_TrackedInFlightUntilTimeAdvances()
    {
        var time = new FakeTimeProvider();
        await using var simulator = await RunningSimulator.StartAsync(time, new SimulatorOptions { DefaultLatencyMs = 1000 });
        using var guard = new CancellationTokenSource(Guard);
        const int calls = 8;
        string[] units = ["bank-icbc", "bank-abc", "realestate-registry", "vehicle-admin"];

        var answers = Enumerable.Range(0, calls)
            .Select(i => simulator.AskAsync(units[i % units.Length], Debtor))
            .ToList();
        await simulator.Host.Stats.WaitForInFlightAsync(calls, guard.Token);

        Assert.Equal(calls, simulator.Host.Stats.MaxInFlightOverall);
        Assert.Equal(2, simulator.Host.Stats.InFlight("bank-icbc"));
        Assert.Equal(2, simulator.Host.Stats.MaxInFlight("bank-icbc"));
        Assert.DoesNotContain(answers, a => a.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(1));
        var responses = await Task.WhenAll(answers).WaitAsync(guard.Token);

        Assert.Equal(units.Length, responses.Select(r => r.UnitId).Distinct().Count());
        Assert.Equal(0, simulator.Host.Stats.InFlightOverall);
        Assert.Equal(calls, simulator.Host.Stats.TotalCalls);
        Assert.Equal(2, simulator.Host.Stats.CallsTo("vehicle-admin"));
        Assert.Equal(0, simulator.Host.Stats.CallsTo("bank-ccb"));
    }

    [Fact]
    public async Task AnswerQuery_CallerCancels_StopsWaitingWithoutTimePassing()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        await using var simulator = await RunningSimulator.StartAsync(time, new SimulatorOptions { DefaultLatencyMs = 1000 });
        using var guard = new CancellationTokenSource(Guard);
        using var caller = new CancellationTokenSource();

        var call = simulator.Client.AnswerQueryAsync(RunningSimulator.Request("bank-icbc", Debtor), cancellationToken: caller.Token);
        await simulator.Host.Stats.WaitForInFlightAsync(1, guard.Token);
        await caller.CancelAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        await simulator.Host.Stats.WaitForIdleAsync(guard.Token);
        Assert.Equal(0, simulator.Host.Stats.InFlight("bank-icbc"));
        Assert.Equal(start, time.GetUtcNow());
    }

    [Fact]
    public async Task DisposeAsync_CallWaitingOnAClockNobodyAdvances_EndsTheCallAsUnavailable()
    {
        var time = new FakeTimeProvider();
        await using var simulator = await RunningSimulator.StartAsync(time, new SimulatorOptions { DefaultLatencyMs = 1000 });
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var call = simulator.AskAsync("bank-icbc", Debtor);
        await simulator.Host.Stats.WaitForInFlightAsync(1, guard.Token);

        await simulator.Host.DisposeAsync().AsTask().WaitAsync(guard.Token);

        var error = await Assert.ThrowsAsync<RpcException>(() => call.WaitAsync(guard.Token));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("stopping", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetLatency_OneUnit_ThatUnitWaitsAndOthersDoNot()
    {
        var time = new FakeTimeProvider();
        await using var simulator = await RunningSimulator.StartAsync(time);
        using var guard = new CancellationTokenSource(Guard);
        simulator.Host.Behaviours.SetLatency("bank-icbc", TimeSpan.FromMilliseconds(500));

        var slow = simulator.AskAsync("bank-icbc", Debtor);
        await simulator.Host.Stats.WaitForInFlightAsync(1, guard.Token);
        var fast = await simulator.AskAsync("bank-abc", Debtor).WaitAsync(guard.Token);
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(slow.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal("bank-icbc", (await slow.WaitAsync(guard.Token)).UnitId);
        Assert.Equal("bank-abc", fast.UnitId);
        Assert.Equal(TimeSpan.FromMilliseconds(500), simulator.Host.Behaviours.LatencyOf("bank-icbc"));
        simulator.Host.Behaviours.Reset();
        Assert.Equal(TimeSpan.Zero, simulator.Host.Behaviours.LatencyOf("bank-icbc"));
    }

    [Fact]
    public async Task StartAsync_LatencyByKindAndUnit_UnitOverridesKindOverridesDefault()
    {
        var options = new SimulatorOptions
        {
            DefaultLatencyMs = 20,
            LatencyMsByKind = new() { ["Bank"] = 40 },
            LatencyMsByUnit = new() { ["bank-sxrcb"] = 15 },
        };
        await using var simulator = await RunningSimulator.StartAsync(options: options);

        Assert.Equal(TimeSpan.FromMilliseconds(40), simulator.Host.Behaviours.LatencyOf("bank-icbc"));
        Assert.Equal(TimeSpan.FromMilliseconds(15), simulator.Host.Behaviours.LatencyOf("bank-sxrcb"));
        Assert.Equal(TimeSpan.FromMilliseconds(20), simulator.Host.Behaviours.LatencyOf("realestate-registry"));
    }

    [Fact]
    public async Task StartAsync_UnknownKindOrUnitInLatencies_RefusedNamingEach()
    {
        var options = new SimulatorOptions
        {
            GrpcUrl = "http://127.0.0.1:0",
            HttpUrl = "http://127.0.0.1:0",
            LatencyMsByKind = new() { ["Banks"] = 40 },
            LatencyMsByUnit = new() { ["bank-nowhere"] = 15 },
        };

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            SimulatorHost.StartAsync(options, RunningSimulator.Catalog, RunningSimulator.Personas));

        Assert.Contains("'Banks'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'bank-nowhere'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_UnknownUnit_ThrowsNamingIt()
    {
        await using var simulator = await RunningSimulator.StartAsync();

        var error = Assert.Throws<ArgumentException>(() => simulator.Host.Stats.CallsTo("bank-nowhere"));

        Assert.Contains("bank-nowhere", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reset_AfterCalls_CountsStartAgain()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        await simulator.AskAsync("bank-icbc", Debtor);

        simulator.Host.Stats.Reset();

        Assert.Equal(0, simulator.Host.Stats.CallsTo("bank-icbc"));
        Assert.Equal(0, simulator.Host.Stats.TotalCalls);
        Assert.Equal(0, simulator.Host.Stats.MaxInFlightOverall);
    }

    [Fact]
    public async Task ControlApi_UnitStats_ReportsCallsAndLatency()
    {
        await using var simulator = await RunningSimulator.StartAsync(options: new SimulatorOptions { LatencyMsByUnit = new() { ["bank-icbc"] = 0 } });
        using var http = new HttpClient { BaseAddress = simulator.Host.HttpAddress };
        for (var i = 0; i < 3; i++)
        {
            await simulator.AskAsync("bank-icbc", Debtor);
        }

        var unit = await http.GetFromJsonAsync<UnitStatsView>("/sim/units/bank-icbc/stats");
        var totals = await http.GetFromJsonAsync<TotalStatsView>("/sim/stats");
        var unknown = await http.GetAsync(new Uri("/sim/units/bank-nowhere/stats", UriKind.Relative));
        var health = await http.GetStringAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(new UnitStatsView("bank-icbc", 3, 0, 1, 0, 0, 0, new FaultView(null, 0, "none", 0)), unit);
        Assert.Equal(3, totals!.TotalCalls);
        Assert.Equal(RunningSimulator.Catalog.Units.Count, totals.Units);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("bank-nowhere", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("ok", health);
    }
}
