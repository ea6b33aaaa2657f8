using System.ComponentModel.DataAnnotations;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace DataGateway.Features.Store;

/// <summary>Settings of the "Store" section: where durable records (audit, cases, batches, matters) live.</summary>
public sealed class StoreOptions
{
    /// <summary>
    /// Folder for the embedded SQLite database, relative to the gateway's content root. Default ".data".
    /// </summary>
    [Required]
    public string DataDirectory { get; set; } = ".data";

    /// <summary>Database file name inside <see cref="DataDirectory"/>. Default "datagateway.db".</summary>
    [Required]
    public string FileName { get; set; } = "datagateway.db";

    /// <summary>How long a writer waits for SQLite's lock before failing, in milliseconds. Default 5000.</summary>
    [Range(0, 600_000)]
    public int BusyTimeoutMs { get; set; } = 5000;
}

/// <summary>
/// A feature's tables: an ordered list of migrations, applied once each at start-up and recorded in
/// schema_migrations, so a newer gateway upgrades an older database in place.
/// </summary>
public sealed record StoreSchema(string Module, IReadOnlyList<string> Migrations);

/// <summary>
/// The embedded durable store: one SQLite file, WAL journal (readers never block the writer), opened per
/// operation (Microsoft.Data.Sqlite pools connections). A PostgreSQL engine will sit behind the same seam.
/// </summary>
internal sealed class GatewayStore
{
    private readonly string _connectionString;

    public GatewayStore(IOptions<StoreOptions> options, IHostEnvironment environment)
    {
        var value = options.Value;
        var directory = Path.IsPathRooted(value.DataDirectory)
            ? value.DataDirectory
            : Path.Combine(environment.ContentRootPath, value.DataDirectory);
        DatabasePath = Path.GetFullPath(Path.Combine(directory, value.FileName));
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = Math.Max(1, value.BusyTimeoutMs / 1000),
        }.ToString();
        BusyTimeoutMs = value.BusyTimeoutMs;
    }

    public string DatabasePath { get; }

    private int BusyTimeoutMs { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await connection.ExecuteAsync($"PRAGMA busy_timeout = {BusyTimeoutMs}; PRAGMA foreign_keys = ON;");
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates the file and applies every feature's pending migrations, each in its own transaction.</summary>
    public async Task MigrateAsync(IEnumerable<StoreSchema> schemas, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync("""
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS schema_migrations (
                module     TEXT    NOT NULL,
                version    INTEGER NOT NULL,
                applied_at TEXT    NOT NULL,
                PRIMARY KEY (module, version));
            """);
        foreach (var schema in schemas)
        {
            var applied = await connection.ExecuteScalarAsync<long>(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE module = @Module", new { schema.Module });
            for (var version = (int)applied + 1; version <= schema.Migrations.Count; version++)
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await connection.ExecuteAsync(schema.Migrations[version - 1], transaction: transaction);
                await connection.ExecuteAsync(
                    "INSERT INTO schema_migrations (module, version, applied_at) VALUES (@Module, @Version, @At)",
                    new { schema.Module, Version = version, At = DateTimeOffset.UtcNow.ToString("O") }, transaction);
                await transaction.CommitAsync(cancellationToken);
            }
        }
    }
}

/// <summary>Applies migrations before the gateway accepts its first request.</summary>
internal sealed class StoreMigrator(GatewayStore store, IEnumerable<StoreSchema> schemas) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.MigrateAsync(schemas, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal static class StoreFeature
{
    public static WebApplicationBuilder AddStore(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StoreOptions>().BindConfiguration("Store").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<GatewayStore>();
        builder.Services.AddHostedService<StoreMigrator>();
        return builder;
    }

    /// <summary>Registers a feature's tables; call from the feature's AddXxx.</summary>
    public static IServiceCollection AddStoreSchema(this IServiceCollection services, string module, params string[] migrations) =>
        services.AddSingleton(new StoreSchema(module, migrations));
}
