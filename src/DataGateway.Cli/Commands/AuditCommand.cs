using System.CommandLine;
using Dapper;
using DataGateway.Domain.Audit;
using Microsoft.Data.Sqlite;

namespace DataGateway.Cli.Commands;

/// <summary>
/// <c>dgw audit verify</c>: walks the audit trail's hash chain straight from the gateway's SQLite file, read-only and
/// without the gateway, so an auditor need not trust the running service to learn whether its trail was changed.
/// </summary>
public static class AuditCommand
{
    /// <summary>
    /// Where the store is looked for when --store is not given, relative to the current folder: the gateway's own
    /// folder (its content root holds .data/), then the repository root, where <c>dotnet run --project src/DataGateway</c>
    /// leaves it.
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

        var verify = new Command("verify", "Check every record of the audit trail against the hash chain; name the first broken record (exit 1).")
        {
            store,
        };
        verify.SetAction(parseResult => Verify(parseResult.GetValue(store), parseResult.InvocationConfiguration));

        return new Command("audit", "The audit trail of every data access.") { verify };
    }

    private static int Verify(string? storePath, InvocationConfiguration io)
    {
        var errors = CliConsole.Create(io.Error);
        var path = storePath ?? DefaultStores.FirstOrDefault(File.Exists);
        if (path is null)
        {
            errors.WriteError($"no audit store found at {string.Join(" or ", DefaultStores)} under {Environment.CurrentDirectory}; give --store <path to datagateway.db>");
            return ExitCodes.Failure;
        }

        if (!File.Exists(path))
        {
            errors.WriteError($"no audit store at '{path}'");
            return ExitCodes.Failure;
        }

        AuditVerification? result;
        try
        {
            result = Walk(path);
        }
        catch (SqliteException ex)
        {
            errors.WriteError($"cannot read '{path}': {ex.Message}");
            return ExitCodes.Failure;
        }

        if (result is null)
        {
            errors.WriteError($"'{path}' holds no audit trail (no {AuditRow.Table} table)");
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

    private static AuditVerification? Walk(string path)
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
        if (!hasTable)
        {
            return null;
        }

        // One SELECT reads one snapshot, so a gateway appending meanwhile cannot show a half-written chain.
        var rows = connection.Query<AuditRow>($"SELECT {AuditRow.SelectColumns} FROM {AuditRow.Table} ORDER BY sequence", buffered: false);
        return AuditChain.Verify(rows);
    }
}
