using Dapper;
using DataGateway.IntegrationTests.Audit;
using DataGateway.IntegrationTests.Infrastructure;

namespace DataGateway.IntegrationTests.Accountability;

/// <summary>
/// What a refused request must not change: the audit trail, the case registry, every other table of the store, and the
/// units (a call to one is a data access). An auditor's search is itself recorded, valid or not, so those records are
/// counted apart.
/// </summary>
internal sealed record GatewayState(long AuditRecords, long AuditSearchRecords, string Registry, string OtherTables, long UnitCalls)
{
    public static GatewayState Of(GatewayTestHost host)
    {
        using var store = host.OpenStore();
        var audit = store.QuerySingle<(long Other, long Searches)>(
            "SELECT COALESCE(SUM(kind <> 'audit-search'), 0), COALESCE(SUM(kind = 'audit-search'), 0) FROM audit_records");
        var registry = string.Join('\n', store.Query<string>(
            """
            SELECT 'case ' || case_number || ' ' || court_code || ' ' || case_type || ' ' || state || ' ' || registered_on || ' ' || updated_at || ' ' || updated_by FROM cases
            UNION ALL SELECT 'officer ' || case_number || ' ' || position || ' ' || officer_id FROM case_officers
            UNION ALL SELECT 'party ' || case_number || ' ' || position || ' ' || role || ' ' || name || ' ' || identifier_kind || ' ' || identifier_hash || ' ' || identifier_masked FROM case_parties
            ORDER BY 1
            """));
        // Every other table by its row count: batches, matters, estate reports ... whatever features add later.
        var tables = store.Query<string>(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('audit_records', 'cases', 'case_officers', 'case_parties') ORDER BY name");
        var rows = string.Join(", ", tables.Select(t => $"{t}={store.ExecuteScalar<long>($"SELECT COUNT(*) FROM \"{t.Replace("\"", "\"\"", StringComparison.Ordinal)}\"")}"));
        return new GatewayState(audit.Other, audit.Searches, registry, rows, host.Simulator.Stats.TotalCalls);
    }
}
