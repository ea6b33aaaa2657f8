using DataGateway.Simulator.Units;

namespace DataGateway.Simulator;

/// <summary>The HTTP control API: what a unit has been asked, for tests, benchmarks and people watching a demo.</summary>
internal static class ControlApi
{
    public static void MapControlApi(this WebApplication app, UnitDirectory units, SimulatorStats stats)
    {
        app.MapGet("/healthz", () => TypedResults.Text("ok"));

        app.MapGet("/sim/stats", () => TypedResults.Ok(new TotalStatsView(
            units.Units.Count, stats.TotalCalls, stats.InFlightOverall, stats.MaxInFlightOverall)));

        app.MapGet("/sim/units/{unitId}/stats", IResult (string unitId) =>
            units.TryGet(unitId, out var unit)
                ? TypedResults.Ok(new UnitStatsView(
                    unit.Id,
                    Interlocked.Read(ref unit.Calls),
                    Volatile.Read(ref unit.InFlight),
                    Volatile.Read(ref unit.MaxInFlight),
                    unit.Latency.TotalMilliseconds))
                : TypedResults.Problem(
                    statusCode: StatusCodes.Status404NotFound,
                    title: "Unknown unit",
                    detail: $"Unit '{unitId}' is not hosted by this simulator."));
    }
}

/// <summary>GET /sim/units/{unitId}/stats.</summary>
public sealed record UnitStatsView(string UnitId, long Calls, int InFlight, int MaxInFlight, double LatencyMs);

/// <summary>GET /sim/stats.</summary>
public sealed record TotalStatsView(int Units, long TotalCalls, int InFlight, int MaxInFlight);
