using System.Collections.Concurrent;
using DataGateway.Domain.Subjects;
using DataGateway.Simulator.Synthetic;
using DataGateway.Simulator.Units;
using Google.Protobuf.Collections;

namespace DataGateway.Simulator;

/// <summary>One request a unit's own HTTP API received, as the pass-through tests inspect it.</summary>
public sealed record UnitHttpRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers);

/// <summary>The last requests each unit's HTTP API received (a few per unit), for tests.</summary>
public sealed class UnitHttpRequests
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<UnitHttpRequest>> _byUnit = new(StringComparer.Ordinal);

    public IReadOnlyList<UnitHttpRequest> To(string unitId) =>
        _byUnit.TryGetValue(unitId, out var queue) ? [.. queue] : [];

    internal void Add(string unitId, UnitHttpRequest request)
    {
        var queue = _byUnit.GetOrAdd(unitId, static _ => new ConcurrentQueue<UnitHttpRequest>());
        queue.Enqueue(request);
        while (queue.Count > 20 && queue.TryDequeue(out _))
        {
        }
    }
}

/// <summary>
/// The HTTP APIs some units run themselves (the tax bureau and the real-estate registry already do), which the gateway
/// reaches by pass-through: <c>GET /units/{unitId}/health</c> and <c>GET /units/{unitId}/api/holdings</c>, the subject
/// named by the gateway's <c>X-DataGateway-Subject</c> header. They honour the unit's fault switch (down → 503).
/// </summary>
internal static class UnitHttpApi
{
    public static void MapUnitHttpApi(this WebApplication app, UnitDirectory units, SyntheticAssets assets, UnitHttpRequests requests)
    {
        app.MapGet("/units/{unitId}/health", IResult (string unitId, HttpContext context) =>
        {
            if (!units.TryGet(unitId, out var unit))
            {
                return TypedResults.NotFound();
            }

            requests.Add(unitId, new UnitHttpRequest(context.Request.Method, context.Request.Path, new Dictionary<string, string>()));
            return unit.Fault.Fault.Mode == FaultMode.Down ? TypedResults.StatusCode(503) : TypedResults.Text("ok");
        });

        app.MapGet("/units/{unitId}/api/holdings", IResult (string unitId, HttpContext context) =>
        {
            if (!units.TryGet(unitId, out var unit))
            {
                return TypedResults.NotFound();
            }

            requests.Add(unitId, new UnitHttpRequest(
                context.Request.Method,
                context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
            if (unit.Fault.Fault.Mode == FaultMode.Down)
            {
                return TypedResults.StatusCode(503);
            }

            var subject = context.Request.Headers["X-DataGateway-Subject"].ToString();
            var organisation = UnifiedSocialCreditCode.TryValidate(subject, out var code, out _);
            if (!organisation && !ResidentIdNumber.TryValidate(subject, DateOnly.MaxValue, out _, out _))
            {
                return TypedResults.BadRequest(new { error = "X-DataGateway-Subject must name the subject the gateway checked" });
            }

            // Headers a real unit system leaks and the gateway is configured to strip.
            context.Response.Headers["Server"] = "TaxCore/3.2 (internal)";
            context.Response.Headers["X-Internal-Trace"] = "node-7";
            var answer = assets.Answer(unit, organisation ? code! : subject.ToUpperInvariant(), organisation, new RepeatedField<string>());
            return TypedResults.Ok(new
            {
                unitId = unit.Id,
                holdings = answer.Assets.Select(a => new
                {
                    a.AssetKind,
                    a.DataItem,
                    a.Reference,
                    a.Description,
                    a.AmountYuan,
                    flags = a.Flags.ToArray(),
                    attributes = a.Attributes.ToDictionary(),
                }),
            });
        });
    }
}
