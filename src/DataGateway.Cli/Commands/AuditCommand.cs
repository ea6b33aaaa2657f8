using System.CommandLine;
using System.Data.Common;
using Dapper;
using DataGateway.Domain.Audit;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DataGateway.Cli.Commands;

/// <summary>
/// <c>dgw audit verify</c>: walks the audit trail's hash chain straight from the gateway's store, read-only and without
/// the gateway, so an auditor need not trust the running service to learn whether its trail was changed. The store is
/// the embedded SQLite file (<c>--store</c>) or the PostgreSQL database several replicas share (<c>--connection</c>, or
/// the <see cref="ConnectionVariable"/> environment variable so no password goes on a command line); either way the rows
/// go through the same <see cref="AuditChain.Verify(IEnumerable{AuditRow})"/> as the gateway's own verification.
/// </summary>
public static class AuditCommand
{
    /// <summary>
    /// The PostgreSQL store's Npgsql connection string, used when neither --store nor --connection is given. An
    /// environment variable, unlike an argument, is not shown to other users by <c>ps</c> nor kept in shell history.
    /// </summary>
    public const string ConnectionVariable = "DGW_STORE_CONNECTION";

    /// <summary>
    /// Where the store is looked for when no option and no <see cref="ConnectionVariable"/> is given, relative to the
    /// current folder: the gateway's own folder (its content root holds .data/), then the repository root, where
    /// <c>dotnet run --project src/DataGateway</c> leaves it.
    /// </summary>
    public static IReadOnlyList<string> DefaultStores { get; } =
        [Path.Combine(".data", "datagateway.db"), Path.Combine("src", "DataGateway", ".data", "datagateway.db")];

    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var store = new Option<string?>("--store")
        {
            Description = $"The gateway's SQLite file (Store:DataDirectory/Store:FileName). Default: the first of {string.Join(", ", DefaultStores)} that exists under the current folder.",
            HelpName = "path",
        };
        var connection = new Option<string?>("--connection")
        {
            Description = "The PostgreSQL store's Npgsql connection string (Store:ConnectionString), e.g. \"Host=db;Database=datagateway;Username=auditor\". "
                + $"Default: the {ConnectionVariable} environment variable. Keep the password out of it (PGPASSWORD or ~/.pgpass) or use the variable: "
                + "a command line is visible to other users and kept in shell history.",
            HelpName = "connection string",
        };

        var verify = new Command("verify", "Check every record of the audit trail against the hash chain; name the first broken record (exit 1).")
        {
            store, connection,
        };
        verify.Validators.Add(result =>
        {
            if (result.GetResult(store) is not null && result.GetResult(connection) is not null)
            {
                result.AddError("give --store (a SQLite file) or --connection (a PostgreSQL database), not both");
            }
        });
        verify.SetAction(parseResult => Verify(
            parseResult.GetValue(store), parseResult.GetValue(connection), context, parseResult.InvocationConfiguration));

        return new Command("audit", "The audit trail of every data access.") { verify };
    }

    private static int Verify(string? storePath, string? connectionString, CliContext context, InvocationConfiguration io)
    {
        var errors = CliConsole.Create(io.Error);
        if (storePath is null)
        {
            connectionString ??= context.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
        }

        Trail? trail;
        if (connectionString is not null)
        {
            trail = PostgresTrail(connectionString, errors);
        }
        else
        {
            trail = SqliteTrail(storePath, errors);
        }

        if (trail is null)
        {
            return ExitCodes.Failure;
        }

        AuditVerification? result;
        try
        {
            result = trail.Walk();
        }
        catch (DbException ex)
        {
            errors.WriteError($"cannot read {trail.Name}: {ex.Message}");
            return ExitCodes.Failure;
        }

        if (result is null)
        {
            errors.WriteError($"{trail.Name} holds no audit trail (no {AuditRow.Table} table)");
            return ExitCodes.Failure;
        }

        if (result.FirstBreak is { } broken)
        {
            io.Output.WriteLine($"audit trail broken at record #{broken.Sequence}: {broken.Reason}");
            io.Output.WriteLine(result.RecordsChecked switch
            {
                0 => "no record before it is intact",
                1 => $"record #1 is intact; its hash is {result.LastHash}",
                _ => $"records #1 to #{result.LastSequence} are intact; the last intact hash is {result.LastHash}",
            });
            return ExitCodes.Failure;
        }

        io.Output.WriteLine($"audit trail intact: {result.RecordsChecked} {(result.RecordsChecked == 1 ? "record" : "records")}");
        if (result.RecordsChecked > 0)
        {
            // Noting this lets a later check show records cut off the end, which the chain alone cannot.
            io.Output.WriteLine($"last record #{result.LastSequence}, hash {result.LastHash}");
        }

        return ExitCodes.Success;
    }

    private static Trail? SqliteTrail(string? storePath, Spectre.Console.IAnsiConsole errors)
    {
        var path = storePath ?? DefaultStores.FirstOrDefault(File.Exists);
        if (path is null)
        {
            errors.WriteError($"no audit store found at {string.Join(" or ", DefaultStores)} under {Environment.CurrentDirectory}; "
                + $"give --store <path to datagateway.db>, or --connection / {ConnectionVariable} for a PostgreSQL store");
            return null;
        }

        if (!File.Exists(path))
        {
            errors.WriteError($"no audit store at '{path}'");
            return null;
        }

        return new Trail($"'{path}'", () =>
        {
            var connectionString = new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadOnly,
                // One walk per process: a pooled handle would only keep the file open after the command is done.
                Pooling = false,
            }.ToString();
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            var hasTable = connection.ExecuteScalar<long>(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @Table", new { Table = AuditRow.Table }) > 0;
            return hasTable ? Walk(connection) : null;
        });
    }

    private static Trail? PostgresTrail(string connectionString, Spectre.Console.IAnsiConsole errors)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString)
            {
                Pooling = false,
                ApplicationName = "dgw audit verify",
            };
        }
        catch (ArgumentException ex)
        {
            // The message names the offending keyword, never the string itself, which may hold a password.
            errors.WriteError($"the connection string is not a valid PostgreSQL connection string: {ex.Message}");
            return null;
        }

        if (string.IsNullOrEmpty(builder.Host))
        {
            errors.WriteError("the connection string names no Host");
            return null;
        }

        // Named by host and database only: the connection string may carry a password.
        return new Trail($"PostgreSQL database '{builder.Database}' on {builder.Host}", () =>
        {
            using var connection = new NpgsqlConnection(builder.ConnectionString);
            connection.Open();
            // A read-only session: the verifier cannot change the trail it checks, even by mistake.
            connection.Execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
            var hasTable = connection.ExecuteScalar<bool>("SELECT to_regclass(@Table) IS NOT NULL", new { Table = AuditRow.Table });
            return hasTable ? Walk(connection) : null;
        });
    }

    /// <summary>The rows in sequence order, through the chain check the gateway uses too.</summary>
    private static AuditVerification Walk(DbConnection connection)
    {
        // One SELECT reads one snapshot (either engine), so gateways appending meanwhile cannot show a half-written chain.
        var rows = connection.Query<AuditRow>($"SELECT {AuditRow.SelectColumns} FROM {AuditRow.Table} ORDER BY sequence", buffered: false);
        return AuditChain.Verify(rows);
    }

    /// <summary>A store to verify: how to name it to the auditor, and the walk (null when it holds no trail).</summary>
    private sealed record Trail(string Name, Func<AuditVerification?> Walk);
}
