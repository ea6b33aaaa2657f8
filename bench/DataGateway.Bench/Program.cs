using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using DataGateway.Bench;
using DataGateway.Domain.Catalog;

var scenario = new Option<string>("--scenario")
{
    Description = "Which scenario to run: s1 (fan-out), s2 (throughput), s3 (batch), s4 (dead unit), s5 (stampede), s6 (pass-through), s7 (estate), or all; a comma-separated list works too.",
    DefaultValueFactory = _ => "all",
};
var duration = new Option<int>("--duration")
{
    Description = "Seconds of each measured run (the ramps of s2 use a third of it per step, at least 2 s).",
    DefaultValueFactory = _ => 10,
};
var warmUp = new Option<int>("--warmup")
{
    Description = "Seconds of queries each newly started gateway answers at least before it is measured, then on until its JIT settles (under 5 % of a 2 s step compiling; 60 s in all at most); 0 measures it cold.",
    DefaultValueFactory = _ => 10,
};
var s1Rate = new Option<double>("--s1-rate")
{
    Description = "Queries/s of S1 (default 200, the scenario's definition); another rate is for profiling.",
    DefaultValueFactory = _ => 200,
};
var smoke = new Option<bool>("--smoke") { Description = "Tiny numbers: checks every scenario works, in well under a minute. The figures mean nothing." };
var json = new Option<string>("--json")
{
    Description = "Where to write the results as JSON.",
    DefaultValueFactory = _ => Path.Combine("artifacts", "bench", "results.json"),
};
var gatewayGrpc = Address("--gateway-grpc", "Measure a running gateway (gRPC address) instead of starting one; needs all four addresses. Scenario settings (cache off, concurrency) are then not applied.");
var gatewayRest = Address("--gateway-rest", "The running gateway's REST address.");
var simulatorGrpc = Address("--simulator-grpc", "The running simulator's gRPC address.");
var simulatorHttp = Address("--simulator-http", "The running simulator's control API address.");

var root = new RootCommand("DataGateway benchmarks: the gateway measured against its physical floor.")
{
    scenario, duration, warmUp, s1Rate, smoke, json, gatewayGrpc, gatewayRest, simulatorGrpc, simulatorHttp,
};

root.SetAction(async (parse, cancellationToken) =>
{
    var chosen = parse.GetValue(scenario)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .SelectMany(s => s.Equals("all", StringComparison.OrdinalIgnoreCase) ? Scenarios.All : [s.ToLowerInvariant()])
        .Distinct()
        .ToList();
    var unknown = chosen.Except(Scenarios.All).ToList();
    if (unknown.Count > 0)
    {
        Console.Error.WriteLine($"Unknown scenario {string.Join(", ", unknown)}; choose from {string.Join(", ", Scenarios.All)} or all.");
        return 2;
    }

    var isSmoke = parse.GetValue(smoke);
    var settings = new BenchSettings(
        isSmoke,
        TimeSpan.FromSeconds(isSmoke ? 1 : Math.Max(1, parse.GetValue(duration))),
        DateTimeOffset.UtcNow,
        TimeSpan.FromSeconds(isSmoke ? 0.5 : Math.Max(0, parse.GetValue(warmUp))),
        Math.Max(1, parse.GetValue(s1Rate)));
    var targets = (parse.GetValue(simulatorGrpc), parse.GetValue(simulatorHttp), parse.GetValue(gatewayGrpc), parse.GetValue(gatewayRest)) switch
    {
        ({ } sg, { } sh, { } gg, { } gr) => new BenchTargets(sg, sh, gg, gr),
        (null, null, null, null) => null,
        _ => throw new ArgumentException("Give all four of --simulator-grpc, --simulator-http, --gateway-grpc and --gateway-rest, or none."),
    };

    // Ctrl+C and SIGTERM stop the run; the finally blocks below (and ProcessExit as a backstop) kill the children.
    using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        stop.Cancel();
    };
    using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
    {
        context.Cancel = true;
        stop.Cancel();
    });
    AppDomain.CurrentDomain.ProcessExit += (_, _) => ChildProcess.KillAll();
    AppDomain.CurrentDomain.UnhandledException += (_, _) => ChildProcess.KillAll();

    var environment = $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription.Trim()}, .NET {Environment.Version}, {BenchStack.BuildConfiguration} build; gateway, simulator and bench on one machine";
    Console.WriteLine($"DataGateway bench: {string.Join(", ", chosen)}{(isSmoke ? " (smoke)" : string.Empty)}; {environment}");
#if DEBUG
    Console.WriteLine("warning: a Debug build is being measured; run with -c Release for figures worth keeping.");
#endif

    var results = new List<ScenarioResult>();
    IReadOnlyList<double> warmUps = [];
    var clock = Stopwatch.StartNew();
    try
    {
        await using var stack = targets is null
            ? await BenchStack.StartAsync(Console.Out, stop.Token)
            : BenchStack.Attach(targets, Console.Out);
        var scenarios = new Scenarios(stack, settings, UnitCatalog.Load(UnitCatalog.DefaultDirectory), Console.Out);
        warmUps = scenarios.GatewayWarmUps;
        foreach (var id in chosen)
        {
            Console.WriteLine($"{id}: ...");
            var started = clock.Elapsed;
            try
            {
                var result = await scenarios.RunAsync(id, stop.Token);
                results.Add(result);
                Console.WriteLine($"{id}: {result.Title} ({(clock.Elapsed - started).TotalSeconds:0} s)");
                foreach (var row in result.Rows)
                {
                    Console.WriteLine($"    {row.Measure}: {row.Gateway} | {row.Baseline} | {row.Ratio} {(row.Met is { } met ? (met ? "[met]" : "[MISSED " + row.Target + "]") : string.Empty)}");
                }
            }
            catch (Exception ex) when (!stop.IsCancellationRequested && ex is not OutOfMemoryException)
            {
                var failed = new ScenarioResult(id, "failed");
                failed.Row("error", ex.GetType().Name, "", "", "", false);
                failed.Notes.Add(ex.Message.ReplaceLineEndings(" "));
                results.Add(failed);
                Console.Error.WriteLine($"{id} failed: {ex}");
                if (stack.Gateway is { HasExited: true } gateway)
                {
                    Console.Error.WriteLine($"the gateway had exited:{Environment.NewLine}{gateway.Tail}");
                }

                // The next scenario starts from a fresh gateway.
                stack.ForgetGateway();
            }
        }
    }
    catch (OperationCanceledException) when (stop.IsCancellationRequested)
    {
        Console.Error.WriteLine("Stopped.");
        return 130;
    }
    finally
    {
        ChildProcess.KillAll();
    }

    Console.WriteLine();
    Console.WriteLine(Report.Markdown(results, environment));
    var path = Path.GetFullPath(parse.GetValue(json)!);
    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    if (warmUps.Count > 0)
    {
        Console.WriteLine($"Gateway warm-ups (s, until the JIT settled; negative: not by the cap): {string.Join(", ", warmUps)}");
    }

    await File.WriteAllTextAsync(path, Report.Json(results, environment, settings, warmUps), CancellationToken.None);
    Console.WriteLine($"Results: {path} ({clock.Elapsed.TotalSeconds:0} s in all)");
    return results.Any(r => r.Title == "failed") ? 1 : 0;
});

return await root.Parse(args).InvokeAsync();

// System.CommandLine has no built-in conversion to Uri.
static Option<Uri?> Address(string name, string description) => new(name)
{
    Description = description,
    HelpName = "url",
    CustomParser = result =>
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }

        result.AddError($"{name} '{text}' is not an http:// or https:// address, e.g. http://127.0.0.1:5081");
        return null;
    },
};
