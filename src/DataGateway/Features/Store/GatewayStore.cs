using System.Buffers.Binary;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DataGateway.Features.Store;

/// <summary>
/// The durable store behind every feature: an embedded SQLite file (WAL journal, readers never block the writer) or a
/// PostgreSQL database shared by several replicas. Features keep their SQL portable (TEXT, INTEGER/BIGINT, standard
/// upserts) and ask this class for the few things that differ: how to open a connection, how to serialise writers
/// that read before they write, and how to claim rows other replicas may be claiming at the same moment.
/// </summary>
internal sealed class GatewayStore : IAsyncDisposable
{
    private readonly string? _sqliteConnectionString;
    private readonly NpgsqlDataSource? _postgres;
    private readonly int _busyTimeoutMs;

    public GatewayStore(IOptions<StoreOptions> options, IHostEnvironment environment)
    {
        var value = options.Value;
        Engine = value.Engine;
        _busyTimeoutMs = value.BusyTimeoutMs;
        if (Engine == StoreEngine.Postgres)
        {
            _postgres = NpgsqlDataSource.Create(value.ConnectionString!);
            return;
        }

        var directory = Path.IsPathRooted(value.DataDirectory)
            ? value.DataDirectory
            : Path.Combine(environment.ContentRootPath, value.DataDirectory);
        DatabasePath = Path.GetFullPath(Path.Combine(directory, value.FileName));
        _sqliteConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = Math.Max(1, value.BusyTimeoutMs / 1000),
        }.ToString();
    }

    public StoreEngine Engine { get; }

    /// <summary>The SQLite file (null on PostgreSQL).</summary>
    public string? DatabasePath { get; }

    /// <summary>
    /// Appended to a SELECT that claims rows for this replica: on PostgreSQL the rows are locked and rows another
    /// replica is claiming right now are skipped rather than waited for; SQLite has one writer at a time already.
    /// </summary>
    public string ClaimRows => Engine == StoreEngine.Postgres ? " FOR UPDATE SKIP LOCKED" : string.Empty;

    /// <summary>
    /// "(@Name0, @Name1, …)" with one parameter per value, or "(NULL)" (matches nothing) for none: the portable IN list.
    /// Dapper expands a list parameter into such a list on SQLite but hands it to Npgsql as one array, which IN does
    /// not take.
    /// </summary>
    public static string InList(DynamicParameters parameters, string name, IEnumerable<string> values)
    {
        var names = new List<string>();
        foreach (var value in values)
        {
            var parameter = name + names.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            parameters.Add(parameter, value);
            names.Add("@" + parameter);
        }

        return names.Count == 0 ? "(NULL)" : $"({string.Join(", ", names)})";
    }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (_postgres is not null)
        {
            return await _postgres.OpenConnectionAsync(cancellationToken);
        }

        var connection = new SqliteConnection(_sqliteConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await connection.ExecuteAsync($"PRAGMA busy_timeout = {_busyTimeoutMs}; PRAGMA foreign_keys = ON;");
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Serialises writers of one <paramref name="resource"/> (e.g. "audit-chain", "case:（2026）浙0604执1234号") until
    /// <paramref name="transaction"/> ends, so a writer that reads before it writes cannot interleave with another.
    /// SQLite needs nothing: Microsoft.Data.Sqlite begins transactions IMMEDIATE, so the file's write lock is already
    /// held. PostgreSQL takes a transaction-scoped advisory lock, released by COMMIT or ROLLBACK, on every replica alike.
    /// </summary>
    public async Task LockAsync(DbConnection connection, DbTransaction transaction, string resource, CancellationToken cancellationToken)
    {
        if (Engine != StoreEngine.Postgres)
        {
            return;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(@Key)", new { Key = LockKey(resource) }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>Creates what is missing and applies every feature's pending migrations, each in its own transaction.</summary>
    public async Task MigrateAsync(IEnumerable<StoreSchema> schemas, CancellationToken cancellationToken)
    {
        if (DatabasePath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        }

        await using var connection = await OpenAsync(cancellationToken);
        if (Engine == StoreEngine.Postgres)
        {
            // Replicas starting together: one migrates, the others wait here and then find nothing left to do.
            await connection.ExecuteAsync(new CommandDefinition(
                "SELECT pg_advisory_lock(@Key)", new { Key = LockKey("schema-migrations") }, cancellationToken: cancellationToken));
        }
        else
        {
            await connection.ExecuteAsync("PRAGMA journal_mode = WAL;");
        }

        try
        {
            await connection.ExecuteAsync("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    module     TEXT    NOT NULL,
                    version    INTEGER NOT NULL,
                    applied_at TEXT    NOT NULL,
                    PRIMARY KEY (module, version));
                """);
            foreach (var schema in schemas)
            {
                await MigrateAsync(connection, schema, cancellationToken);
            }
        }
        finally
        {
            if (Engine == StoreEngine.Postgres)
            {
                await connection.ExecuteAsync("SELECT pg_advisory_unlock_all()");
            }
        }
    }

    /// <summary>The version of <paramref name="module"/> the database holds (0 when none of it).</summary>
    public async Task<int> SchemaVersionAsync(string module, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE module = @Module", new { Module = module },
            cancellationToken: cancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    private async Task MigrateAsync(DbConnection connection, StoreSchema schema, CancellationToken cancellationToken)
    {
        var migrations = schema.For(Engine);
        while (true)
        {
            // The version is read inside the writing transaction (SQLite: IMMEDIATE), so two gateways sharing a SQLite
            // file cannot both apply the same version.
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var applied = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE module = @Module", new { schema.Module }, transaction,
                cancellationToken: cancellationToken));
            if (applied > migrations.Count)
            {
                throw new InvalidOperationException(
                    $"The store holds version {applied} of '{schema.Module}', newer than this gateway knows ({migrations.Count}); run a newer gateway.");
            }

            if (applied == migrations.Count)
            {
                return;
            }

            var version = applied + 1;
            await connection.ExecuteAsync(new CommandDefinition(migrations[version - 1], transaction: transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO schema_migrations (module, version, applied_at) VALUES (@Module, @Version, @At)",
                new { schema.Module, Version = version, At = DateTimeOffset.UtcNow.ToString("O") }, transaction,
                cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>A stable 64-bit advisory-lock key for a resource name (the same on every replica and every run).</summary>
    private static long LockKey(string resource) =>
        BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("datagateway:" + resource)));
}
