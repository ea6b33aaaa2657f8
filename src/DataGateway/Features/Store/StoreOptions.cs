using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace DataGateway.Features.Store;

/// <summary>Which database holds the gateway's durable records.</summary>
public enum StoreEngine
{
    /// <summary>One SQLite file beside the gateway: the embedded default, for one replica.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database shared by every replica.</summary>
    Postgres,
}

/// <summary>Settings of the "Store" section: where durable records (audit, cases, batches, matters, SLA, estate) live.</summary>
public sealed class StoreOptions
{
    /// <summary>
    /// The engine. Default <see cref="StoreEngine.Sqlite"/> (no server needed). Several replicas must share one
    /// <see cref="StoreEngine.Postgres"/> database: a SQLite file cannot be shared across machines.
    /// </summary>
    public StoreEngine Engine { get; set; } = StoreEngine.Sqlite;

    /// <summary>
    /// Folder for the embedded SQLite database, relative to the gateway's content root. Default ".data". SQLite only.
    /// </summary>
    [Required]
    public string DataDirectory { get; set; } = ".data";

    /// <summary>Database file name inside <see cref="DataDirectory"/>. Default "datagateway.db". SQLite only.</summary>
    [Required]
    public string FileName { get; set; } = "datagateway.db";

    /// <summary>How long a writer waits for SQLite's lock before failing, in milliseconds. Default 5000. SQLite only.</summary>
    [Range(0, 600_000)]
    public int BusyTimeoutMs { get; set; } = 5000;

    /// <summary>
    /// Npgsql connection string of the shared database, e.g. "Host=db;Database=datagateway;Username=gateway;Password=…".
    /// Required when <see cref="Engine"/> is Postgres; no default. Usually given as the environment variable
    /// <c>Store__ConnectionString</c> so the password stays out of files.
    /// </summary>
    public string? ConnectionString { get; set; }
}

/// <summary>Refuses to start with an engine whose settings are missing or unreadable; never echoes the connection string.</summary>
internal sealed class StoreOptionsValidator : IValidateOptions<StoreOptions>
{
    public ValidateOptionsResult Validate(string? name, StoreOptions options)
    {
        if (!Enum.IsDefined(options.Engine))
        {
            return ValidateOptionsResult.Fail("Store:Engine must be Sqlite or Postgres.");
        }

        if (options.Engine != StoreEngine.Postgres)
        {
            return ValidateOptionsResult.Success;
        }

        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail("Store:ConnectionString is required when Store:Engine is Postgres.");
        }

        try
        {
            var builder = new Npgsql.NpgsqlConnectionStringBuilder(options.ConnectionString);
            return string.IsNullOrEmpty(builder.Host)
                ? ValidateOptionsResult.Fail("Store:ConnectionString names no Host.")
                : ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            // The message names the offending keyword, not its value, so no password reaches the log.
            return ValidateOptionsResult.Fail("Store:ConnectionString is not a valid PostgreSQL connection string: " + ex.Message);
        }
    }
}
