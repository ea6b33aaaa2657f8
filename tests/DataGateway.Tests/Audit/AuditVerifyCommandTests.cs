using System.CommandLine;
using Dapper;
using DataGateway.Cli;
using DataGateway.Cli.Commands;
using DataGateway.Domain.Audit;
using Microsoft.Data.Sqlite;

namespace DataGateway.Tests.Audit;

public sealed class AuditVerifyCommandTests : IDisposable
{
    private const int Records = 5;

    private readonly string _folder = Directory.CreateTempSubdirectory("dgw-audit-").FullName;
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    public AuditVerifyCommandTests()
    {
        StorePath = Path.Combine(_folder, "datagateway.db");
    }

    private string StorePath { get; }

    public void Dispose()
    {
        _output.Dispose();
        _error.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Verify_IntactTrail_SaysSoAndExitsZero()
    {
        var chain = WriteStore(Records);

        var exitCode = await RunAsync("audit", "verify", "--store", StorePath);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Equal("", _error.ToString());
        Assert.Equal(
            [$"audit trail intact: {Records} records", $"last record #{Records}, hash {chain[^1].Hash}"],
            Lines(_output));
    }

    [Theory]
    [InlineData("recorded_at")]
    [InlineData("kind")]
    [InlineData("request_id")]
    [InlineData("actor_subject")]
    [InlineData("actor_roles")]
    [InlineData("actor_unit_id")]
    [InlineData("purpose_kind")]
    [InlineData("purpose")]
    [InlineData("subject_hash")]
    [InlineData("units_asked")]
    [InlineData("items_returned")]
    [InlineData("outcome")]
    [InlineData("detail")]
    [InlineData("previous_hash")]
    [InlineData("hash")]
    public async Task Verify_OneCharacterOfAStoredColumnChanged_NamesThatRecord(string column)
    {
        WriteStore(Records);
        // The middle character of record #3's column becomes another one, as a hand-edit of the file would do.
        Execute($"""
            UPDATE audit_records
               SET {column} = substr({column}, 1, length({column}) / 2)
                   || CASE WHEN substr({column}, length({column}) / 2 + 1, 1) = '1' THEN '2' ELSE '1' END
                   || substr({column}, length({column}) / 2 + 2)
             WHERE sequence = 3
            """);

        var exitCode = await RunAsync("audit", "verify", "--store", StorePath);

        Assert.Equal(ExitCodes.Failure, exitCode);
        Assert.StartsWith("audit trail broken at record #3: ", Lines(_output)[0], StringComparison.Ordinal);
        Assert.Equal("records #1 to #2 are intact; the last intact hash is " + Hash(2), Lines(_output)[1]);
    }

    [Theory]
    [InlineData("UPDATE audit_records SET from_cache = 1 - from_cache WHERE sequence = 3", "#3: hash does not match")]
    [InlineData("DELETE FROM audit_records WHERE sequence = 3", "#3: record #3 is missing (the next stored record is #4)")]
    [InlineData("UPDATE audit_records SET sequence = 103 WHERE sequence = 3", "#3: record #3 is missing")]
    public async Task Verify_RowChanged_NamesThatRecord(string sql, string expected)
    {
        WriteStore(Records);
        Execute(sql);

        var exitCode = await RunAsync("audit", "verify", "--store", StorePath);

        Assert.Equal(ExitCodes.Failure, exitCode);
        Assert.StartsWith("audit trail broken at record " + expected, Lines(_output)[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_WhileTheGatewayHoldsTheStoreOpen_ReadsTheCommittedTrail()
    {
        WriteStore(Records);
        using var gateway = Open();
        gateway.Execute("BEGIN IMMEDIATE; INSERT INTO audit_records (sequence) SELECT 99 WHERE 0;");

        var exitCode = await RunAsync("audit", "verify", "--store", StorePath);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Equal($"audit trail intact: {Records} records", Lines(_output)[0]);
    }

    [Fact]
    public async Task Verify_EmptyTrail_IsIntactWithZeroRecords()
    {
        WriteStore(0);

        var exitCode = await RunAsync("audit", "verify", "--store", StorePath);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Equal(["audit trail intact: 0 records"], Lines(_output));
    }

    [Fact]
    public async Task Verify_MissingStore_FailsNamingThePathAndCreatesNothing()
    {
        var exitCode = await RunAsync("audit", "verify", "--store", StorePath);

        Assert.Equal(ExitCodes.Failure, exitCode);
        Assert.Equal("", _output.ToString());
        Assert.Contains($"no audit store at '{StorePath}'", _error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(StorePath));
    }

    [Fact]
    public async Task Verify_StoreWithoutAuditTable_FailsSayingSo()
    {
        using (var connection = Open())
        {
            connection.Execute("CREATE TABLE other (id INTEGER)");
        }

        var exitCode = await RunAsync("audit", "verify", "--store", StorePath);

        Assert.Equal(ExitCodes.Failure, exitCode);
        Assert.Contains("holds no audit trail (no audit_records table)", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_StoreAndConnectionBoth_IsAUsageError()
    {
        WriteStore(Records);

        var exitCode = await RunAsync("audit", "verify", "--store", StorePath, "--connection", "Host=db;Database=datagateway");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("give --store (a SQLite file) or --connection (a PostgreSQL database), not both", _error.ToString(), StringComparison.Ordinal);
        Assert.Equal("", _output.ToString());
    }

    [Fact]
    public async Task Verify_ConnectionStringNotValid_FailsWithoutRepeatingItsPassword()
    {
        var exitCode = await RunAsync("audit", "verify", "--connection", "Host=db;Password=s3cret-pw;Colour=blue");

        Assert.Equal(ExitCodes.Failure, exitCode);
        Assert.Contains("not a valid PostgreSQL connection string", _error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_NoStoreGiven_TakesThePostgresStoreFromTheVariable()
    {
        // No host in it: refused before any connection is tried, which shows the variable was the one read.
        var exitCode = await RunAsync(WithVariable("Database=datagateway;Password=s3cret-pw"), "audit", "verify");

        Assert.Equal(ExitCodes.Failure, exitCode);
        Assert.Contains("the connection string names no Host", _error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_StoreGiven_ReadsTheFileEvenWhenTheVariableIsSet()
    {
        WriteStore(Records);

        var exitCode = await RunAsync(WithVariable("Host=db;Database=datagateway"), "audit", "verify", "--store", StorePath);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Equal($"audit trail intact: {Records} records", Lines(_output)[0]);
    }

    [Fact]
    public async Task Audit_WithoutSubcommand_IsAUsageError()
    {
        var exitCode = await RunAsync("audit");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("dgw audit --help", _error.ToString(), StringComparison.Ordinal);
    }

    private List<AuditRecord> WriteStore(int count)
    {
        var chain = AuditTrails.Chain(count);
        using var connection = Open();
        // The gateway's layout (Features/Audit/AuditFeature.cs, migration 1) and journal mode.
        connection.Execute("""
            PRAGMA journal_mode = WAL;
            CREATE TABLE audit_records (
                sequence INTEGER NOT NULL PRIMARY KEY, recorded_at TEXT NOT NULL, kind TEXT NOT NULL,
                request_id TEXT NOT NULL, actor_subject TEXT NOT NULL, actor_roles TEXT NOT NULL, actor_unit_id TEXT,
                purpose_kind TEXT NOT NULL, purpose TEXT, subject_hash TEXT, units_asked TEXT NOT NULL,
                items_returned TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT, from_cache INTEGER NOT NULL,
                previous_hash TEXT NOT NULL, hash TEXT NOT NULL);
            """);
        connection.Execute(
            """
            INSERT INTO audit_records VALUES (@Sequence, @RecordedAt, @Kind, @RequestId, @ActorSubject, @ActorRoles,
                @ActorUnitId, @PurposeKind, @Purpose, @SubjectHash, @UnitsAsked, @ItemsReturned, @Outcome, @Detail,
                @FromCache, @PreviousHash, @Hash)
            """,
            chain.Select(AuditRow.From));
        return chain;
    }

    private string Hash(long sequence)
    {
        using var connection = Open();
        return connection.ExecuteScalar<string>("SELECT hash FROM audit_records WHERE sequence = @sequence", new { sequence })!;
    }

    private void Execute(string sql)
    {
        using var connection = Open();
        Assert.Equal(1, connection.Execute(sql));
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = StorePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static string[] Lines(StringWriter writer) => writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

    private Task<int> RunAsync(params string[] args) => RunAsync(CliContext.Default, args);

    private Task<int> RunAsync(CliContext context, params string[] args) =>
        DgwCommandLine.InvokeAsync(args, new InvocationConfiguration { Output = _output, Error = _error }, context);

    /// <summary>A context whose environment holds only <see cref="AuditCommand.ConnectionVariable"/>, set to <paramref name="value"/>.</summary>
    private static CliContext WithVariable(string value) => CliContext.Default with
    {
        GetEnvironmentVariable = name => name == AuditCommand.ConnectionVariable ? value : null,
    };
}
