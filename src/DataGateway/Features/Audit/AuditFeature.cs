using DataGateway.Domain.Audit;
using DataGateway.Features.Store;

namespace DataGateway.Features.Audit;

/// <summary>
/// The audit trail (accountability): a hash-chained record of every data access in the gateway store, searched and
/// verified by auditors through <see cref="AuditGrpcService"/> and verified offline by <c>dgw audit verify</c>.
/// </summary>
internal static class AuditFeature
{
    public const string Module = "audit";

    /// <summary>The trail's migrations, oldest first; append, never edit one that has shipped.</summary>
    public static readonly string[] Migrations =
    [
        // sequence is the row id (no AUTOINCREMENT: the trail numbers records itself, without gaps). Each index ends
        // with the row id, so "newest first" within a filter reads the index backwards without sorting.
        $"""
        CREATE TABLE {AuditRow.Table} (
            sequence       INTEGER NOT NULL PRIMARY KEY,
            recorded_at    TEXT    NOT NULL,
            kind           TEXT    NOT NULL,
            request_id     TEXT    NOT NULL,
            actor_subject  TEXT    NOT NULL,
            actor_roles    TEXT    NOT NULL,
            actor_unit_id  TEXT,
            purpose_kind   TEXT    NOT NULL,
            purpose        TEXT,
            subject_hash   TEXT,
            units_asked    TEXT    NOT NULL,
            items_returned TEXT    NOT NULL,
            outcome        TEXT    NOT NULL,
            detail         TEXT,
            from_cache     INTEGER NOT NULL,
            previous_hash  TEXT    NOT NULL,
            hash           TEXT    NOT NULL);
        CREATE INDEX ix_audit_records_subject_hash ON {AuditRow.Table} (subject_hash);
        CREATE INDEX ix_audit_records_actor_subject ON {AuditRow.Table} (actor_subject);
        CREATE INDEX ix_audit_records_purpose ON {AuditRow.Table} (purpose);
        CREATE INDEX ix_audit_records_recorded_at ON {AuditRow.Table} (recorded_at);
        """,
    ];

    public static WebApplicationBuilder AddAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddStoreSchema(Module, Migrations, Migrations /* PORT: PostgreSQL migrations */);
        builder.Services.AddSingleton<IAuditTrail, SqliteAuditTrail>();
        builder.Services.AddSingleton<AuditReader>();
        return builder;
    }
}
