using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using DataGateway.Simulator.Units;

namespace DataGateway.Simulator;

/// <summary>
/// The HTTP control API: what a unit has been asked, and its fault switches, for tests, benchmarks and people watching
/// a demo.
/// </summary>
internal static class ControlApi
{
    public static void MapControlApi(this WebApplication app, UnitDirectory units, SimulatorStats stats, UnitBehaviours behaviours)
    {
        app.MapGet("/healthz", () => TypedResults.Text("ok"));

        app.MapGet("/sim/stats", () => TypedResults.Ok(new TotalStatsView(
            units.Units.Count, stats.TotalCalls, stats.InFlightOverall, stats.MaxInFlightOverall)));

        app.MapPost("/sim/reset", () =>
        {
            behaviours.Reset();
            stats.Reset();
            return TypedResults.NoContent();
        });

        app.MapGet("/sim/units/{unitId}/stats", IResult (string unitId) =>
        {
            if (!units.TryGet(unitId, out var unit))
            {
                return UnknownUnit(unitId);
            }

            var fault = unit.Fault;
            return TypedResults.Ok(new UnitStatsView(
                unit.Id,
                Interlocked.Read(ref unit.Calls),
                Volatile.Read(ref unit.InFlight),
                Volatile.Read(ref unit.MaxInFlight),
                fault.Latency.TotalMilliseconds,
                Interlocked.Read(ref unit.Refused),
                Interlocked.Read(ref unit.Failed),
                FaultView.Of(fault.Current)));
        });

        app.MapGet("/sim/units/{unitId}/fault", IResult (string unitId) =>
            units.TryGet(unitId, out var unit) ? TypedResults.Ok(FaultView.Of(unit.Fault.Current)) : UnknownUnit(unitId));

        app.MapPut("/sim/units/{unitId}/fault", async Task<IResult> (string unitId, HttpRequest request) =>
        {
            if (!units.TryGet(unitId, out var unit))
            {
                return UnknownUnit(unitId);
            }

            var (fault, errors) = await ReadFaultAsync(request).ConfigureAwait(false);
            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(
                    errors.ToDictionary(e => e.Key, e => new[] { e.Value }),
                    detail: string.Join(" ", errors.Select(e => $"{e.Key}: {e.Value}.")),
                    title: "Invalid fault");
            }

            behaviours.SetFault(unit.Id, fault);
            return TypedResults.Ok(FaultView.Of(unit.Fault.Current));
        });

        app.MapDelete("/sim/units/{unitId}/fault", IResult (string unitId) =>
        {
            if (!units.TryGet(unitId, out var unit))
            {
                return UnknownUnit(unitId);
            }

            behaviours.ClearFault(unit.Id);
            return TypedResults.Ok(FaultView.Of(unit.Fault.Current));
        });
    }

    private static ProblemHttpResult UnknownUnit(string unitId) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Unknown unit",
        detail: $"Unit '{unitId}' is not hosted by this simulator.");

    /// <summary>
    /// The PUT body as a whole fault (an omitted member means "no fault of that kind"), or every problem with it by
    /// JSON member name. Parsed by hand rather than bound, so a wrong type or an unknown mode is a 400 naming the
    /// member, not a binder's generic 400 or a 500.
    /// </summary>
    private static async Task<(UnitFault Fault, Dictionary<string, string> Errors)> ReadFaultAsync(HttpRequest request)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            errors["body"] = $"not valid JSON ({e.Message})";
            return (UnitFault.None, errors);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                errors["body"] = "must be a JSON object such as {\"latencyMs\": 20, \"errorRate\": 0.1, \"mode\": \"none\", \"failNext\": 0}";
                return (UnitFault.None, errors);
            }

            var fault = UnitFault.None;
            foreach (var member in document.RootElement.EnumerateObject())
            {
                var value = member.Value;
                var isNull = value.ValueKind == JsonValueKind.Null;
                switch (member.Name.ToUpperInvariant())
                {
                    case "LATENCYMS":
                        if (isNull)
                        {
                            fault = fault with { LatencyMs = null };
                        }
                        else if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var latencyMs))
                        {
                            fault = fault with { LatencyMs = latencyMs };
                        }
                        else
                        {
                            errors[FaultView.LatencyMsName] = "must be a whole number of milliseconds, 0 or more, or null for the configured latency";
                        }

                        break;
                    case "ERRORRATE":
                        if (isNull)
                        {
                            fault = fault with { ErrorRate = 0 };
                        }
                        else if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var errorRate))
                        {
                            fault = fault with { ErrorRate = errorRate };
                        }
                        else
                        {
                            errors[FaultView.ErrorRateName] = "must be a number between 0 and 1";
                        }

                        break;
                    case "MODE":
                        if (isNull)
                        {
                            fault = fault with { Mode = FaultMode.None };
                        }
                        else if (value.ValueKind == JsonValueKind.String && FaultView.TryParseMode(value.GetString()!, out var mode))
                        {
                            fault = fault with { Mode = mode };
                        }
                        else
                        {
                            errors[FaultView.ModeName] = $"must be one of \"none\", \"hang\", \"down\" (got {value.GetRawText()})";
                        }

                        break;
                    case "FAILNEXT":
                        if (isNull)
                        {
                            fault = fault with { FailNext = 0 };
                        }
                        else if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var failNext))
                        {
                            fault = fault with { FailNext = failNext };
                        }
                        else
                        {
                            errors[FaultView.FailNextName] = "must be a whole number, 0 or more";
                        }

                        break;
                    default:
                        // A misspelt member would otherwise be ignored and leave the unit healthy without a word.
                        errors[member.Name] = "is not a fault member (latencyMs, errorRate, mode, failNext)";
                        break;
                }
            }

            foreach (var (property, problem) in fault.Validate())
            {
                errors.TryAdd(JsonNamingPolicy.CamelCase.ConvertName(property), problem);
            }

            return (fault, errors);
        }
    }
}

/// <summary>A unit's fault on the control API: GET/PUT/DELETE /sim/units/{unitId}/fault, and in its stats.</summary>
/// <param name="LatencyMs">Latency instead of the configured one; null keeps the configured latency.</param>
/// <param name="Mode">"none", "hang" or "down".</param>
/// <param name="FailNext">Transient failures still to come.</param>
public sealed record FaultView(int? LatencyMs, double ErrorRate, string Mode, int FailNext)
{
    internal const string LatencyMsName = "latencyMs";
    internal const string ErrorRateName = "errorRate";
    internal const string ModeName = "mode";
    internal const string FailNextName = "failNext";

    internal static FaultView Of(UnitFault fault) => new(fault.LatencyMs, fault.ErrorRate, NameOf(fault.Mode), fault.FailNext);

    internal static string NameOf(FaultMode mode) => mode switch
    {
        FaultMode.Hang => "hang",
        FaultMode.Down => "down",
        _ => "none",
    };

    internal static bool TryParseMode(string text, out FaultMode mode)
    {
        // Names only: Enum.TryParse would also take "1" or "Hang, Down".
        foreach (var candidate in Enum.GetValues<FaultMode>())
        {
            if (string.Equals(text, NameOf(candidate), StringComparison.OrdinalIgnoreCase))
            {
                mode = candidate;
                return true;
            }
        }

        mode = FaultMode.None;
        return false;
    }
}

/// <summary>GET /sim/units/{unitId}/stats; <see cref="SimulatorStats"/> says what each count counts.</summary>
/// <param name="LatencyMs">The latency calls wait now: the fault's, or the configured one.</param>
public sealed record UnitStatsView(
    string UnitId,
    long Calls,
    int InFlight,
    int MaxInFlight,
    double LatencyMs,
    long Refused,
    long Failed,
    FaultView Fault);

/// <summary>GET /sim/stats.</summary>
public sealed record TotalStatsView(int Units, long TotalCalls, int InFlight, int MaxInFlight);
