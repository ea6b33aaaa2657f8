using Dapper;
using DataGateway.Domain.Audit;
using DataGateway.Features.Audit;
using DataGateway.Features.Store;
using DataGateway.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace DataGateway.IntegrationTests.Audit;

/// <summary>The audit trail of a test host, its SQLite file, and a way to make the file refuse audit writes.</summary>
internal static class AuditTestStore
{
    public static readonly AuditActor Judge = new("judge-wang", "judge", null);

    public static IAuditTrail Trail(this GatewayTestHost host) => host.Services.GetRequiredService<IAuditTrail>();

    public static string DatabasePath(this GatewayTestHost host) => host.Services.GetRequiredService<GatewayStore>().DatabasePath!;

    /// <summary>A connection of its own to the host's store, as someone with the file in hand would open it.</summary>
    public static SqliteConnection OpenStore(this GatewayTestHost host)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = host.DatabasePath(), Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>
    /// Makes every later audit append fail inside SQLite, as a full disk, a read-only file or a lost volume would, while
    /// the rest of the store still works: the real trail, failing for real, with nothing in the gateway replaced.
    /// </summary>
    public static void RefuseAuditWrites(this GatewayTestHost host)
    {
        using var connection = host.OpenStore();
        connection.Execute("""
            CREATE TRIGGER refuse_audit_writes BEFORE INSERT ON audit_records
            BEGIN SELECT RAISE(ABORT, 'audit store refuses writes (test)'); END;
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
}
