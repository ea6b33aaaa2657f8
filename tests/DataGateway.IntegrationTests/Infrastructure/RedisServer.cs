using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace DataGateway.IntegrationTests.Infrastructure;

/// <summary>
/// A real redis-server on a loopback port. CI starts one and names it in DATAGATEWAY_TEST_REDIS; a test that must
/// stop and restart Redis starts a private one (a child process on a free port) so it disturbs no other test.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>CI's shared server when DATAGATEWAY_TEST_REDIS is set; otherwise one private server for the test run.</summary>
    public static string SharedConfiguration => Environment.GetEnvironmentVariable("DATAGATEWAY_TEST_REDIS") is { Length: > 0 } shared
        ? shared
        : Shared.Value.GetAwaiter().GetResult().Configuration;

    private static readonly Lazy<Task<RedisServer>> Shared = new(StartPrivateAsync);

    public static async Task<RedisServer> StartPrivateAsync()
    {
        var server = new RedisServer(FreePort());
        await server.StartAsync();
        return server;
    }

    public async Task StartAsync()
    {
        if (!File.Exists("/usr/bin/redis-server") && !OnPath("redis-server"))
        {
            throw new InvalidOperationException(
                "redis-server is not installed; the cache tests run against a real Redis (apt-get install -y redis-server, as .ci/run does).");
        }

        // A small watchdog shell owns the server and stops it when this test process is gone, however it ends
        // (test hosts are often ended without running exit handlers). Persistence is off: a test cache, not a database.
        var script = $"redis-server --port {Port} --bind 127.0.0.1 --save '' --appendonly no & r=$!; "
            + $"trap 'kill $r 2>/dev/null' EXIT TERM; while kill -0 {Environment.ProcessId} 2>/dev/null && kill -0 $r 2>/dev/null; do sleep 1; done";
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { "-c", script },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilAsync(CanConnect, "redis-server did not accept connections on port " + Port);
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Every key and value under <paramref name="prefix"/>, as text, for privacy assertions.</summary>
    public static async Task<IReadOnlyList<(string Key, string Value)>> DumpAsync(string configuration, string prefix)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(configuration);
        var server = connection.GetServers()[0];
        var database = connection.GetDatabase();
        var entries = new List<(string, string)>();
        await foreach (var key in server.KeysAsync(pattern: prefix + "*"))
        {
            // A key listed a moment ago may have expired or been replaced since (other writers keep working): skip it.
            var type = await database.KeyTypeAsync(key);
            string? value = type switch
            {
                RedisType.Hash => string.Join("|", (await database.HashGetAllAsync(key)).Select(e => $"{e.Name}={System.Text.Encoding.UTF8.GetString((byte[])e.Value!)}")),
                RedisType.String => (await database.StringGetAsync(key)) is { HasValue: true } text ? System.Text.Encoding.UTF8.GetString((byte[])text!) : null,
                _ => null,
            };
            if (value is not null)
            {
                entries.Add((key.ToString(), value));
            }
        }

        return entries;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(dir => File.Exists(Path.Combine(dir, program)));

    private bool CanConnect()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, string failure, TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? TestContext.Timeout);
        while (!condition())
        {
            // Waiting for another process (a server starting, a client reconnecting), not for the clock under test.
            try
            {
                await Task.Delay(20, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException(failure);
            }
        }
    }
}
