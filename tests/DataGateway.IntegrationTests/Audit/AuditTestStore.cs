using System.Data.Common;
using Dapper;
using DataGateway.Domain.Audit;
using DataGateway.Features.Audit;
using DataGateway.Features.Privacy;
using DataGateway.Features.Store;
using DataGateway.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DataGateway.IntegrationTests.Audit;

/// <summary>
/// The audit trail of a test host or of a bare store, a connection of its own to the store, and a way to make the store
/// refuse audit writes; on either engine.
/// </summary>
internal static class AuditTestStore
{
    public static readonly AuditActor Judge = new("judge-wang", "judge", null);

    /// <summary>The audit trail's schema, for a store opened without a host.</summary>
    public static StoreSchema Schema { get; } = new(AuditFeature.Module, AuditFeature.SqliteMigrations, AuditFeature.PostgresMigrations);

    public static IAuditTrail Trail(this GatewayTestHost host) => host.Services.GetRequiredService<IAuditTrail>();

    /// <summary>A trail object of its own on <paramref name="store"/>, as one replica of the gateway has (dispose it).</summary>
    public static StoreAuditTrail Trail(GatewayStore store, TimeProvider time) =>
        new(store, Hasher, time, NullLogger<StoreAuditTrail>.Instance);

    /// <summary>The keyed hasher <see cref="Trail(GatewayStore, TimeProvider)"/> uses (a test key).</summary>
    public static KeyedHasher Hasher { get; } = new(Options.Create(new PrivacyOptions { HashKey = Convert.ToBase64String(new byte[32]) }));

    /// <summary>The host's SQLite file (a host on a PostgreSQL store has none).</summary>
    public static string DatabasePath(this GatewayTestHost host) =>
        host.Services.GetRequiredService<GatewayStore>().DatabasePath ?? throw new InvalidOperationException("the host's store is PostgreSQL: it has no file");

    /// <summary>
    /// A connection of its own to the host's store, as someone with the file (or the database's address) in hand would
    /// open it: not through the gateway's pool.
    /// </summary>
    public static DbConnection OpenStore(this GatewayTestHost host)
    {
        var store = host.Services.GetRequiredService<GatewayStore>();
        return store.Engine == StoreEngine.Postgres
            ? OpenPostgres(host.Services.GetRequiredService<IOptions<StoreOptions>>().Value.ConnectionString!)
            : OpenSqlite(store.DatabasePath!);
    }

    /// <summary>
    /// Makes every later audit append fail inside the store, as a full disk, a read-only file or a lost volume would,
    /// while the rest of the store still works: the real trail, failing for real, with nothing in the gateway replaced.
    /// </summary>
    public static void RefuseAuditWrites(this GatewayTestHost host)
    {
        using var connection = host.OpenStore();
        RefuseAuditWrites(connection);
    }

    /// <summary>As <see cref="RefuseAuditWrites(GatewayTestHost)"/>, on a connection to any engine's store.</summary>
    public static void RefuseAuditWrites(DbConnection connection)
    {
        connection.Execute(connection is SqliteConnection
            ? """
              CREATE TRIGGER refuse_audit_writes BEFORE INSERT ON audit_records
              BEGIN SELECT RAISE(ABORT, 'audit store refuses writes (test)'); END;
              """
            : """
              CREATE FUNCTION refuse_audit_writes() RETURNS trigger LANGUAGE plpgsql
                  AS $$ BEGIN RAISE EXCEPTION 'audit store refuses writes (test)'; END $$;
              CREATE TRIGGER refuse_audit_writes BEFORE INSERT ON audit_records
                  FOR EACH ROW EXECUTE FUNCTION refuse_audit_writes();
              """);
    }

    public static long CountRecords(this GatewayTestHost host)
    {
        using var connection = host.OpenStore();
        return connection.ExecuteScalar<long>("SELECT COUNT(*) FROM audit_records");
    }

    /// <summary>An answered asset query about <paramref name="subjectId"/>, as the enforcement handler reports it.</summary>
    public static AccessRecord AssetQuery(string subjectId, string requestId, AuditActor? actor = null, string caseNumber = Requests.CaseNumber) => new()
    {
        Kind = AuditKinds.AssetQuery,
        RequestId = requestId,
        Actor = actor ?? Judge,
        PurposeKind = AuditPurposeKinds.Case,
        Purpose = caseNumber,
        SubjectIdentifier = subjectId,
        UnitsAsked = ["realestate-registry", "bank-sxrcb"],
        ItemsReturned = ["ENF-RE-UNITS"],
        Outcome = AuditOutcomes.Answered,
    };

    private static SqliteConnection OpenSqlite(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static NpgsqlConnection OpenPostgres(string connectionString)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        connection.Open();
        return connection;
    }
}
