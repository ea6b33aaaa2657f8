using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace DataGateway.IntegrationTests.Infrastructure;

/// <summary>
/// A real PostgreSQL server on a loopback port. CI starts one cluster and names it in DATAGATEWAY_TEST_POSTGRES (a
/// connection string of a role that may create databases); otherwise the first test that needs one starts a private
/// cluster (initdb in a temporary folder, a child process on a free port) that ends with the test process.
/// Every test gets a database of its own, so tests never see each other's rows.
/// </summary>
public static class PostgresServer
{
    private static readonly Lazy<Task<string>> Admin = new(ResolveAdminAsync);

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var admin = await Admin.Value;
        var name = "dg_test_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing whatever still holds it open.</summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(await Admin.Value);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> ResolveAdminAsync()
    {
        if (Environment.GetEnvironmentVariable("DATAGATEWAY_TEST_POSTGRES") is { Length: > 0 } shared)
        {
            return shared;
        }

        return await StartPrivateClusterAsync();
    }

    private static async Task<string> StartPrivateClusterAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin")).FirstOrDefault(b => File.Exists(Path.Combine(b, "initdb")))
            : null;
        if (bin is null)
        {
            throw new InvalidOperationException(
                "PostgreSQL is not installed; the store tests run against a real server (apt-get install -y postgresql, as .ci/run does), "
                + "or name one in DATAGATEWAY_TEST_POSTGRES.");
        }

        var directory = Directory.CreateTempSubdirectory("datagateway-pg-").FullName;
        var port = FreePort();
        // PostgreSQL refuses to run as root; as root (CI, containers) the cluster belongs to the postgres account.
        var asUser = Environment.UserName == "root" ? "runuser -u postgres -- " : string.Empty;
        if (asUser.Length > 0)
        {
            await RunAsync("chown", "postgres", directory);
        }

        var data = Path.Combine(directory, "data");
        await RunAsync("bash", "-c", $"{asUser}{bin}/initdb -D {data} -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null");
        // fsync off: a test cluster thrown away at the end; durability is the engine's job, not what these tests check.
        // A watchdog shell stops the server when this test process is gone, however it ends.
        var script = $"{asUser}{bin}/postgres -D {data} -p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={directory} "
            + $"-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 & r=$!; "
            + $"trap 'kill $r 2>/dev/null' EXIT TERM; while kill -0 {Environment.ProcessId} 2>/dev/null && kill -0 $r 2>/dev/null; do sleep 1; done";
        var process = Process.Start(new ProcessStartInfo("bash")
        {
            ArgumentList = { "-c", script },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("postgres did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var admin = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = port, Username = "postgres", Database = "postgres" }.ConnectionString;
        await RedisServer.WaitUntilAsync(() => CanConnect(admin), "postgres did not accept connections on port " + port, TimeSpan.FromSeconds(60));
        return admin;
    }

    private static bool CanConnect(string connectionString)
    {
        try
        {
            using var connection = new NpgsqlConnection(connectionString);
            connection.Open();
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException)
        {
            return false;
        }
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException(program + " did not start");
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {error}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
