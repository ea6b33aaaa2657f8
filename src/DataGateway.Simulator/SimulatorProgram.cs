using System.Runtime.InteropServices;
using DataGateway.Domain.Catalog;

namespace DataGateway.Simulator;

/// <summary>
/// The simulator as a process of its own: <c>dotnet run --project src/DataGateway.Simulator [--catalog DIR]
/// [--personas FILE] [--Simulator:GrpcUrl=http://127.0.0.1:6091] ...</c>. The catalog and personas default to
/// config/ beside the binaries; settings come from config/simulator.json there, then DATAGATEWAY_-prefixed
/// environment variables, then the command line.
/// </summary>
public static class SimulatorProgram
{
    public static async Task Main(string[] args)
    {
        var rest = args.ToList();
        var catalogDirectory = TakeArgument(rest, "--catalog") ?? UnitCatalog.DefaultDirectory;
        var personasPath = TakeArgument(rest, "--personas") ?? Path.Combine(UnitCatalog.DefaultDirectory, Personas.FileName);

        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(UnitCatalog.DefaultDirectory, "simulator.json"), optional: true)
            .AddEnvironmentVariables("DATAGATEWAY_")
            .AddCommandLine([.. rest])
            .Build();
        var options = configuration.GetSection(SimulatorOptions.SectionName).Get<SimulatorOptions>() ?? new SimulatorOptions();

        var catalog = UnitCatalog.Load(catalogDirectory);
        var personas = Personas.Load(personasPath);

        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stopped.TrySetResult();
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stopped.TrySetResult();
        });

        await using var host = await SimulatorHost.StartAsync(options, catalog, personas).ConfigureAwait(false);
        using var feedback = Matters.GatewayFeedback.ConnectFromSettings(host, options.Matters);
        Console.WriteLine($"DataGateway simulator: {catalog.Units.Count} units, {personas.All.Count} personas");
        Console.WriteLine($"  gRPC AgencyService  {host.GrpcAddress}");
        Console.WriteLine($"  control API         {host.HttpAddress}  (GET /sim/stats, /sim/units/{{unitId}}/stats, /healthz;");
        Console.WriteLine("                      GET|PUT|DELETE /sim/units/{unitId}/fault, POST /sim/reset)");
        Console.WriteLine("Ctrl+C stops it.");
        await stopped.Task.ConfigureAwait(false);
    }

    /// <summary>Removes "--name VALUE" or "--name=VALUE" from <paramref name="args"/> and returns VALUE.</summary>
    private static string? TakeArgument(List<string> args, string name)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == name)
            {
                if (i + 1 >= args.Count)
                {
                    throw new ArgumentException($"{name} needs a value.", nameof(args));
                }

                var value = args[i + 1];
                args.RemoveRange(i, 2);
                return value;
            }

            if (args[i].StartsWith(name + "=", StringComparison.Ordinal))
            {
                var value = args[i][(name.Length + 1)..];
                args.RemoveAt(i);
                return value;
            }
        }

        return null;
    }
}
