using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DataGateway.Simulator;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;

namespace DataGateway.Tests.Simulator;

/// <summary>Breaking a unit on purpose while calls run: error rate, transient failures, hang, down, latency, control API.</summary>
public sealed class FaultSwitchTests
{
    private const string Unit = "bank-icbc";
    private const string OtherUnit = "bank-abc";
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private static string Debtor => RunningSimulator.Personas.WithTag("debtor").Identifier;

    [Fact]
    public async Task ErrorRate_One_EveryCallFailsInternal()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        simulator.Host.Behaviours.SetFault(Unit, new UnitFault { ErrorRate = 1.0 });

        for (var i = 0; i < 20; i++)
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => simulator.AskAsync(Unit, Debtor));
            Assert.Equal(StatusCode.Internal, error.StatusCode);
            Assert.Equal("simulated failure", error.Status.Detail);
        }

        Assert.Equal(OtherUnit, (await simulator.AskAsync(OtherUnit, Debtor)).UnitId);
        Assert.Equal(20, simulator.Host.Stats.CallsTo(Unit));
        Assert.Equal(20, simulator.Host.Stats.FailedCalls(Unit));
        Assert.Equal(0, simulator.Host.Stats.FailedCalls(OtherUnit));
    }

    [Fact]
    public async Task ErrorRate_Zero_NoCallFails()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        simulator.Host.Behaviours.SetFault(Unit, new UnitFault { ErrorRate = 0.0 });

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(Unit, (await simulator.AskAsync(Unit, Debtor)).UnitId);
        }

        Assert.Equal(0, simulator.Host.Stats.FailedCalls(Unit));
    }

    [Fact]
    public async Task ErrorRate_Half_SameCallsFailEachTimeTheFaultIsSet()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        const int calls = 40;

        async Task<bool[]> FailuresAsync()
        {
            simulator.Host.Behaviours.SetFault(Unit, new UnitFault { ErrorRate = 0.5 });
            var failed = new bool[calls];
            for (var i = 0; i < calls; i++)
            {
                try
                {
                    await simulator.AskAsync(Unit, Debtor);
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Internal)
                {
                    failed[i] = true;
                }
            }

            return failed;
        }

        var first = await FailuresAsync();
        var second = await FailuresAsync();

        Assert.Equal(first, second);
        Assert.InRange(first.Count(f => f), 1, calls - 1);
        Assert.Equal(2 * first.Count(f => f), simulator.Host.Stats.FailedCalls(Unit));
    }

    [Fact]
    public async Task FailNext_Two_TwoUnavailableThenTheUnitRecovers()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        simulator.Host.Behaviours.SetFault(Unit, new UnitFault { FailNext = 2 });

        for (var left = 1; left >= 0; left--)
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => simulator.AskAsync(Unit, Debtor));
            Assert.Equal(StatusCode.Unavailable, error.StatusCode);
            Assert.Equal(left, simulator.Host.Behaviours.FaultOf(Unit).FailNext);
        }

        Assert.Equal(Unit, (await simulator.AskAsync(Unit, Debtor)).UnitId);
        Assert.Equal(Unit, (await simulator.AskAsync(Unit, Debtor)).UnitId);
        Assert.Equal(4, simulator.Host.Stats.CallsTo(Unit));
        Assert.Equal(2, simulator.Host.Stats.FailedCalls(Unit));
    }

    [Fact]
    public async Task FailNext_ConcurrentCalls_ExactlyThatManyFail()
    {
        var time = new FakeTimeProvider();
        await using var simulator = await RunningSimulator.StartAsync(time, new SimulatorOptions { DefaultLatencyMs = 100 });
        using var guard = new CancellationTokenSource(Guard);
        const int calls = 24;
        simulator.Host.Behaviours.SetFault(Unit, new UnitFault { FailNext = 5 });

        var answers = Enumerable.Range(0, calls).Select(_ => simulator.AskAsync(Unit, Debtor)).ToList();
        await simulator.Host.Stats.WaitForInFlightAsync(calls, guard.Token);
        time.Advance(TimeSpan.FromMilliseconds(100));
        var outcomes = await Task.WhenAll(answers.Select(async a =>
        {
            try
            {
                await a;
                return StatusCode.OK;
            }
            catch (RpcException e)
            {
                return e.StatusCode;
            }
        })).WaitAsync(guard.Token);

        Assert.Equal(5, outcomes.Count(s => s == StatusCode.Unavailable));
        Assert.Equal(calls - 5, outcomes.Count(s => s == StatusCode.OK));
        Assert.Equal(0, simulator.Host.Behaviours.FaultOf(Unit).FailNext);
    }

    [Fact]
    public async Task Down_RefusesUnavailableAtOnceWithoutWaitingLatency()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        await using var simulator = await RunningSimulator.StartAsync(time, new SimulatorOptions { DefaultLatencyMs = 1000 });
        using var guard = new CancellationTokenSource(Guard);
        simulator.Host.Behaviours.SetFault(Unit, new UnitFault { Mode = FaultMode.Down });

        var error = await Assert.ThrowsAsync<RpcException>(() => simulator.AskAsync(Unit, Debtor).WaitAsync(guard.Token));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal("unit down", error.Status.Detail);
        Assert.Equal(start, time.GetUtcNow());
        Assert.Equal(1, simulator.Host.Stats.CallsTo(Unit));
        Assert.Equal(1, simulator.Host.Stats.RefusedCalls(Unit));
        Assert.Equal(0, simulator.Host.Stats.FailedCalls(Unit));
        Assert.Equal(0, simulator.Host.Stats.MaxInFlight(Unit));
    }

    [Fact]
    public async Task Hang_CallStaysInFlightUntilTheCallerCancels()
    {
        var time = new FakeTimeProvider();
        await using var simulator = await RunningSimulator.StartAsync(time);
        using var guard = new CancellationTokenSource(Guard);
        using var caller = new CancellationTokenSource();
        simulator.Host.Behaviours.SetFault(Unit, new UnitFault { Mode = FaultMode.Hang });

        var call = simulator.Client.AnswerQueryAsync(RunningSimulator.Request(Unit, Debtor), cancellationToken: caller.Token);
        await simulator.Host.Stats.WaitForInFlightAsync(1, guard.Token);
        time.Advance(TimeSpan.FromHours(1));
        var other = await simulator.AskAsync(OtherUnit, Debtor).WaitAsync(guard.Token);

        Assert.Equal(1, simulator.Host.Stats.InFlight(Unit));
        Assert.False(call.ResponseAsync.IsCompleted);
        Assert.Equal(OtherUnit, other.UnitId);

        await caller.CancelAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(guard.Token));
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        await simulator.Host.Stats.WaitForIdleAsync(guard.Token);
        Assert.Equal(0, simulator.Host.Stats.InFlight(Unit));
        Assert.Equal(1, simulator.Host.Stats.CallsTo(Unit));
    }

    [Fact]
    public async Task LatencyMs_Set_OverridesConfiguredLatencyUntilCleared()
    {
        var time = new FakeTimeProvider();
        await using var simulator = await RunningSimulator.StartAsync(time, new SimulatorOptions { DefaultLatencyMs = 1000 });
        using var guard = new CancellationTokenSource(Guard);
        var behaviours = simulator.Host.Behaviours;
        behaviours.SetFault(Unit, new UnitFault { LatencyMs = 300 });
        behaviours.SetFault(OtherUnit, new UnitFault { LatencyMs = 0 });

        var slow = simulator.AskAsync(Unit, Debtor);
        await simulator.Host.Stats.WaitForInFlightAsync(1, guard.Token);
        var fast = await simulator.AskAsync(OtherUnit, Debtor).WaitAsync(guard.Token);
        time.Advance(TimeSpan.FromMilliseconds(299));
        Assert.False(slow.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(Unit, (await slow.WaitAsync(guard.Token)).UnitId);
        Assert.Equal(OtherUnit, fast.UnitId);
        Assert.Equal(TimeSpan.FromMilliseconds(300), behaviours.LatencyOf(Unit));
        behaviours.ClearFault(Unit);
        Assert.Equal(TimeSpan.FromMilliseconds(1000), behaviours.LatencyOf(Unit));
        Assert.Equal(UnitFault.None, behaviours.FaultOf(Unit));
    }

    [Fact]
    public async Task LatencyMs_Null_KeepsConfiguredLatency()
    {
        await using var simulator = await RunningSimulator.StartAsync(options: new SimulatorOptions { DefaultLatencyMs = 70 });

        simulator.Host.Behaviours.SetFault(Unit, new UnitFault { ErrorRate = 0.2 });

        Assert.Equal(TimeSpan.FromMilliseconds(70), simulator.Host.Behaviours.LatencyOf(Unit));
    }

    [Fact]
    public async Task SetLatency_OnAFaultedUnit_KeepsTheOtherFaultMembers()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        simulator.Host.Behaviours.SetFault(Unit, new UnitFault { ErrorRate = 0.25, FailNext = 3 });

        simulator.Host.Behaviours.SetLatency(Unit, TimeSpan.FromMilliseconds(40));

        Assert.Equal(
            new UnitFault { LatencyMs = 40, ErrorRate = 0.25, FailNext = 3 },
            simulator.Host.Behaviours.FaultOf(Unit));
    }

    [Fact]
    public async Task SetFault_OutOfRangeMembers_ThrowsNamingEachAndKeepsTheOldFault()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        var behaviours = simulator.Host.Behaviours;
        behaviours.SetFault(Unit, new UnitFault { FailNext = 1 });

        var error = Assert.Throws<ArgumentException>(() =>
            behaviours.SetFault(Unit, new UnitFault { LatencyMs = -1, ErrorRate = 1.5, FailNext = -2 }));
        var unknown = Assert.Throws<ArgumentException>(() => behaviours.SetFault("bank-nowhere", UnitFault.None));

        Assert.Contains(nameof(UnitFault.LatencyMs), error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(UnitFault.ErrorRate), error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(UnitFault.FailNext), error.Message, StringComparison.Ordinal);
        Assert.Contains("bank-nowhere", unknown.Message, StringComparison.Ordinal);
        Assert.Equal(new UnitFault { FailNext = 1 }, behaviours.FaultOf(Unit));
    }

    [Fact]
    public async Task ControlApi_PutGetDelete_SwitchesTheUnitWhileItRuns()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        using var http = new HttpClient { BaseAddress = simulator.Host.HttpAddress };
        var path = new Uri($"/sim/units/{Unit}/fault", UriKind.Relative);

        var put = await http.PutAsync(path, Json("""{"latencyMs": 20, "mode": "DOWN"}"""));
        var stored = await put.Content.ReadFromJsonAsync<FaultView>();
        var read = await http.GetFromJsonAsync<FaultView>(path);
        var refused = await Assert.ThrowsAsync<RpcException>(() => simulator.AskAsync(Unit, Debtor));
        var stats = await http.GetFromJsonAsync<UnitStatsView>($"/sim/units/{Unit}/stats");

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(new FaultView(20, 0, "down", 0), stored);
        Assert.Equal(stored, read);
        Assert.Equal(new UnitFault { LatencyMs = 20, Mode = FaultMode.Down }, simulator.Host.Behaviours.FaultOf(Unit));
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Equal(new UnitStatsView(Unit, 1, 0, 0, 20, 1, 0, stored!), stats);

        var delete = await http.DeleteAsync(path);
        var cleared = await delete.Content.ReadFromJsonAsync<FaultView>();

        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        Assert.Equal(new FaultView(null, 0, "none", 0), cleared);
        Assert.Equal(Unit, (await simulator.AskAsync(Unit, Debtor)).UnitId);
    }

    [Fact]
    public async Task ControlApi_PutFailuresAndErrorRate_StatsCountFailedCalls()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        using var http = new HttpClient { BaseAddress = simulator.Host.HttpAddress };

        var put = await http.PutAsync(new Uri($"/sim/units/{Unit}/fault", UriKind.Relative), Json("""{"errorRate": 1, "failNext": 1}"""));
        var transient = await Assert.ThrowsAsync<RpcException>(() => simulator.AskAsync(Unit, Debtor));
        var failure = await Assert.ThrowsAsync<RpcException>(() => simulator.AskAsync(Unit, Debtor));
        var stats = await http.GetFromJsonAsync<UnitStatsView>($"/sim/units/{Unit}/stats");

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(StatusCode.Unavailable, transient.StatusCode);
        Assert.Equal(StatusCode.Internal, failure.StatusCode);
        Assert.Equal(2, stats!.Calls);
        Assert.Equal(2, stats.Failed);
        Assert.Equal(0, stats.Refused);
        Assert.Equal(new FaultView(null, 1, "none", 0), stats.Fault);
    }

    [Theory]
    [InlineData("""{"errorRate": 1.5}""", "errorRate")]
    [InlineData("""{"errorRate": "high"}""", "errorRate")]
    [InlineData("""{"latencyMs": -1}""", "latencyMs")]
    [InlineData("""{"latencyMs": 2.5}""", "latencyMs")]
    [InlineData("""{"mode": "sideways"}""", "mode")]
    [InlineData("""{"mode": 1}""", "mode")]
    [InlineData("""{"failNext": -3}""", "failNext")]
    [InlineData("""{"failnxt": 3}""", "failnxt")]
    [InlineData("""{"latencyMs": 20""", "body")]
    [InlineData("""[20]""", "body")]
    [InlineData("", "body")]
    public async Task ControlApi_PutBadBody_BadRequestNamingTheFieldAndNothingChanged(string body, string field)
    {
        await using var simulator = await RunningSimulator.StartAsync();
        using var http = new HttpClient { BaseAddress = simulator.Host.HttpAddress };
        simulator.Host.Behaviours.SetFault(Unit, new UnitFault { LatencyMs = 5 });

        var response = await http.PutAsync(new Uri($"/sim/units/{Unit}/fault", UriKind.Relative), Json(body));
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _));
        Assert.StartsWith(field + ":", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(new UnitFault { LatencyMs = 5 }, simulator.Host.Behaviours.FaultOf(Unit));
    }

    [Fact]
    public async Task ControlApi_EveryMemberOptional_EmptyObjectClearsTheFault()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        using var http = new HttpClient { BaseAddress = simulator.Host.HttpAddress };
        simulator.Host.Behaviours.SetFault(Unit, new UnitFault { Mode = FaultMode.Hang });

        var response = await http.PutAsync(new Uri($"/sim/units/{Unit}/fault", UriKind.Relative), Json("{}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(UnitFault.None, simulator.Host.Behaviours.FaultOf(Unit));
    }

    [Fact]
    public async Task ControlApi_UnknownUnit_NotFoundProblemForEveryVerb()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        using var http = new HttpClient { BaseAddress = simulator.Host.HttpAddress };
        var path = new Uri("/sim/units/bank-nowhere/fault", UriKind.Relative);

        HttpResponseMessage[] responses =
        [
            await http.GetAsync(path),
            await http.PutAsync(path, Json("""{"mode": "down"}""")),
            await http.DeleteAsync(path),
        ];

        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("bank-nowhere", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ControlApi_Reset_ClearsEveryFaultAndCount()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        using var http = new HttpClient { BaseAddress = simulator.Host.HttpAddress };
        simulator.Host.Behaviours.SetFault(Unit, new UnitFault { Mode = FaultMode.Down });
        simulator.Host.Behaviours.SetFault(OtherUnit, new UnitFault { ErrorRate = 1, LatencyMs = 0 });
        await Assert.ThrowsAsync<RpcException>(() => simulator.AskAsync(Unit, Debtor));
        await Assert.ThrowsAsync<RpcException>(() => simulator.AskAsync(OtherUnit, Debtor));

        var response = await http.PostAsync(new Uri("/sim/reset", UriKind.Relative), content: null);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(UnitFault.None, simulator.Host.Behaviours.FaultOf(Unit));
        Assert.Equal(UnitFault.None, simulator.Host.Behaviours.FaultOf(OtherUnit));
        Assert.Equal(0, simulator.Host.Stats.TotalCalls);
        Assert.Equal(0, simulator.Host.Stats.RefusedCalls(Unit));
        Assert.Equal(0, simulator.Host.Stats.FailedCalls(OtherUnit));
        Assert.Equal(Unit, (await simulator.AskAsync(Unit, Debtor)).UnitId);
        Assert.Equal(OtherUnit, (await simulator.AskAsync(OtherUnit, Debtor)).UnitId);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
