using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using DataGateway.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace DataGateway.Bench;

/// <summary>Where the bench finds the systems it measures.</summary>
internal sealed record BenchTargets(Uri SimulatorGrpc, Uri SimulatorHttp, Uri GatewayGrpc, Uri GatewayRest);

/// <summary>
/// The simulator and the gateway under test: started by the bench as processes of their own (Release builds, free
/// loopback ports, a temporary store), or already running (then scenario settings cannot be applied). Scenarios ask
/// for the gateway settings they need; the gateway is restarted when they differ from the running one's.
/// </summary>
internal sealed class BenchStack : IAsyncDisposable
{
    private readonly string? _gatewayDll;
    private readonly string _workDirectory;
    private readonly TextWriter _out;
    private ChildProcess? _simulator;
    private ChildProcess? _gateway;
    private string? _gatewaySettingsKey;
    private int _gatewayStarts;

    private BenchStack(BenchTargets targets, string? gatewayDll, string workDirectory, TextWriter output, bool owned)
    {
        Targets = targets;
        _gatewayDll = gatewayDll;
        _workDirectory = workDirectory;
        _out = output;
        Owned = owned;
        Http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { Timeout = TimeSpan.FromSeconds(30) };
        SimulatorChannel = Channel(targets.SimulatorGrpc);
        Agency = new AgencyService.AgencyServiceClient(SimulatorChannel);
    }

    public BenchTargets Targets { get; private set; }

    /// <summary>True when the bench started the processes (and can change the gateway's settings).</summary>
    public bool Owned { get; }

    public HttpClient Http { get; }

    public GrpcChannel SimulatorChannel { get; }

    public AgencyService.AgencyServiceClient Agency { get; }

    public GrpcChannel GatewayChannel { get; private set; } = null!;

    public ChildProcess? Gateway => _gateway;

    /// <summary>Tokens, cases and subjects, registered in the running gateway's store.</summary>
    public BenchIdentities Identities { get; } = new();

    public static async Task<BenchStack> StartAsync(TextWriter output, CancellationToken cancellationToken)
    {
        var root = RepositoryRoot();
        var configuration = BuildConfiguration;
        var simulatorDll = Path.Combine(root, "src", "DataGateway.Simulator", "bin", configuration, "net10.0", "DataGateway.Simulator.dll");
        var gatewayDll = Path.Combine(root, "src", "DataGateway", "bin", configuration, "net10.0", "DataGateway.dll");
        foreach (var dll in new[] { simulatorDll, gatewayDll })
        {
            if (!File.Exists(dll))
            {
                throw new InvalidOperationException($"{dll} is missing: run the bench with `dotnet run -c {configuration} --project bench/DataGateway.Bench`, which builds it.");
            }
        }

        var work = Path.Combine(Path.GetTempPath(), "dgw-bench-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(work);
        var simGrpc = FreePorts.Next();
        var simHttp = FreePorts.Next();
        var simulator = ChildProcess.Start(
            "simulator",
            simulatorDll,
            [
                $"--Simulator:GrpcUrl=http://127.0.0.1:{simGrpc}",
                $"--Simulator:HttpUrl=http://127.0.0.1:{simHttp}",
                // Quiet: its output is only kept for errors.
                "--Simulator:LogLevel=Warning",
            ],
            new Dictionary<string, string>(),
            Path.Combine(work, "simulator.log"));
        var targets = new BenchTargets(
            new Uri($"http://127.0.0.1:{simGrpc}"),
            new Uri($"http://127.0.0.1:{simHttp}"),
            new Uri("http://127.0.0.1:1"),
            new Uri("http://127.0.0.1:1"));
        var stack = new BenchStack(targets, gatewayDll, work, output, owned: true) { _simulator = simulator };
        try
        {
            await stack.WaitHealthyAsync(simulator, new Uri(targets.SimulatorHttp, "/healthz"), cancellationToken);
            output.WriteLine($"simulator pid {simulator.Id}: gRPC {targets.SimulatorGrpc}, HTTP {targets.SimulatorHttp}");
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }

        return stack;
    }

    public static BenchStack Attach(BenchTargets targets, TextWriter output)
    {
        var work = Path.Combine(Path.GetTempPath(), "dgw-bench-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(work);
        var stack = new BenchStack(targets, null, work, output, owned: false);
        stack.GatewayChannel = Channel(targets.GatewayGrpc);
        return stack;
    }

    /// <summary>
    /// Makes sure a gateway with exactly <paramref name="settings"/> (on top of the bench's base settings) is running,
    /// with the bench's cases registered. A running gateway cannot be reconfigured: then the settings are only reported.
    /// </summary>
    public async Task UseGatewayAsync(IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var key = string.Join(' ', settings.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}"));
        if (!Owned)
        {
            if (settings.Count > 0)
            {
                _out.WriteLine($"  (attached to a running gateway: settings not applied: {key})");
            }

            await Identities.EnsureRegisteredAsync(this, cancellationToken);
            return;
        }

        if (_gateway is { HasExited: false } && key == _gatewaySettingsKey)
        {
            return;
        }

        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
            _gateway = null;
            GatewayChannel?.Dispose();
        }

        // A port found free can be taken before the gateway binds it (the bench's own outgoing connections use ports
        // from the same range under load: a full run once lost S5 that way), so a start that cannot bind is retried on
        // other ports.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartGatewayAsync(settings, key, cancellationToken);
                break;
            }
            catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                _out.WriteLine("  (a port the gateway was given was taken meanwhile: starting it again on others)");
                await _gateway!.DisposeAsync();
                _gateway = null;
                GatewayChannel?.Dispose();
            }
        }

        Identities.Forget();
        await Identities.EnsureRegisteredAsync(this, cancellationToken);
    }

    private async Task StartGatewayAsync(IReadOnlyDictionary<string, string> settings, string key, CancellationToken cancellationToken)
    {
        var rest = FreePorts.Next();
        var grpc = FreePorts.Next();
        var store = Path.Combine(_workDirectory, "store-" + (++_gatewayStarts).ToString(CultureInfo.InvariantCulture));
        var simHttp = Targets.SimulatorHttp.ToString().TrimEnd('/');
        var arguments = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Simulator:Embedded"] = "false",
            ["Units:DefaultEndpoint"] = Targets.SimulatorGrpc.ToString().TrimEnd('/'),
            ["Kestrel:Endpoints:Rest:Url"] = $"http://127.0.0.1:{rest}",
            ["Kestrel:Endpoints:Rest:Protocols"] = "Http1",
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{grpc}",
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
            ["Store:DataDirectory"] = store,
            // The abuse limits would refuse a load generator; they are not what is measured.
            ["Limits:Roles:judge"] = "100000000",
            ["Limits:Roles:notary"] = "100000000",
            ["Limits:Roles:court-system"] = "100000000",
            // Load shedding too: S5 sends 1,000 queries at once, and S2 measures the most a gateway serves, not refusals.
            ["Limits:MaxQueriesInFlight"] = "1000000",
            // One console line per query costs more than the query at these rates; production ships logs elsewhere.
            ["Logging:LogLevel:Default"] = "Warning",
            ["ReverseProxy:Clusters:tax-bureau:Destinations:primary:Address"] = $"{simHttp}/units/tax-bureau/api/",
            ["ReverseProxy:Clusters:tax-bureau:Destinations:primary:Health"] = $"{simHttp}/units/tax-bureau",
            ["ReverseProxy:Clusters:realestate-registry:Destinations:primary:Address"] = $"{simHttp}/units/realestate-registry/api/",
            ["ReverseProxy:Clusters:realestate-registry:Destinations:primary:Health"] = $"{simHttp}/units/realestate-registry",
        };
        foreach (var (name, value) in settings)
        {
            arguments[name] = value;
        }

        _gateway = ChildProcess.Start(
            "gateway",
            _gatewayDll!,
            arguments.Select(a => $"--{a.Key}={a.Value}"),
            new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Development" },
            Path.Combine(_workDirectory, $"gateway-{_gatewayStarts}.log"));
        _gatewaySettingsKey = key;
        Targets = Targets with { GatewayGrpc = new Uri($"http://127.0.0.1:{grpc}"), GatewayRest = new Uri($"http://127.0.0.1:{rest}") };
        GatewayChannel = Channel(Targets.GatewayGrpc);
        await WaitHealthyAsync(_gateway, new Uri(Targets.GatewayRest, "/healthz"), cancellationToken);
        _out.WriteLine($"  gateway pid {_gateway.Id} on {Targets.GatewayGrpc} (gRPC), {Targets.GatewayRest} (REST){(key.Length > 0 ? "; " + key : string.Empty)}");
    }

    /// <summary>How many gateways the bench has started so far; changes whenever <see cref="UseGatewayAsync"/> starts one.</summary>
    public int GatewayStarts => _gatewayStarts;

    /// <summary>The next <see cref="UseGatewayAsync"/> starts a new gateway whatever its settings (state such as an open circuit is left behind).</summary>
    public void ForgetGateway() => _gatewaySettingsKey = null;

    /// <summary>Clears every fault and counter in the simulator.</summary>
    public async Task ResetSimulatorAsync(CancellationToken cancellationToken)
    {
        using var response = await Http.PostAsync(new Uri(Targets.SimulatorHttp, "/sim/reset"), null, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>PUT /sim/units/{id}/fault with <paramref name="fault"/> (e.g. new { latencyMs = 20 }).</summary>
    public async Task SetFaultAsync(string unitId, object fault, CancellationToken cancellationToken)
    {
        using var response = await Http.PutAsJsonAsync(new Uri(Targets.SimulatorHttp, $"/sim/units/{unitId}/fault"), fault, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Setting the fault of {unitId} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    /// <summary>GET /sim/units/{id}/stats: calls so far and the latency the unit waits now.</summary>
    public async Task<(long Calls, double LatencyMs)> UnitStatsAsync(string unitId, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await Http.GetStringAsync(new Uri(Targets.SimulatorHttp, $"/sim/units/{unitId}/stats"), cancellationToken));
        var root = document.RootElement;
        return (root.GetProperty("calls").GetInt64(), root.GetProperty("latencyMs").GetDouble());
    }

    /// <summary>gRPC metadata carrying a bearer token.</summary>
    public static Metadata Bearer(string token) => new() { { "Authorization", "Bearer " + token } };

    private async Task WaitHealthyAsync(ChildProcess process, Uri health, CancellationToken cancellationToken)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < until)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The {process.Name} exited during start-up:{Environment.NewLine}{process.Tail}");
            }

            try
            {
                using var response = await Http.GetAsync(health, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"The {process.Name} did not become healthy at {health} within 90 s:{Environment.NewLine}{process.Tail}");
    }

    private static GrpcChannel Channel(Uri address) => GrpcChannel.ForAddress(address, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            // Thousands of concurrent calls: one HTTP/2 connection carries at most 100 streams.
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        },
        MaxReceiveMessageSize = 64 * 1024 * 1024,
    });

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "DataGateway.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("DataGateway.sln not found above the bench's folder: run the bench from the repository.");
    }

#if DEBUG
    public const string BuildConfiguration = "Debug";
#else
    public const string BuildConfiguration = "Release";
#endif

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_simulator is not null)
        {
            await _simulator.DisposeAsync();
        }

        GatewayChannel?.Dispose();
        SimulatorChannel.Dispose();
        Http.Dispose();
        try
        {
            Directory.Delete(_workDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Where the child processes' logs are (kept until the bench ends).</summary>
    public string WorkDirectory => _workDirectory;
}
