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

    /// <summary>The trail's SQLite migrations, oldest first; append, never edit one that has shipped.</summary>
    public static readonly string[] SqliteMigrations =
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

    /// <summary>
    /// The same versions for PostgreSQL, oldest first; append, never edit one that has shipped. Column for column what
    /// SQLite holds, so <see cref="AuditRow"/> and <c>dgw audit verify</c> read both alike.
    /// </summary>
    public static readonly string[] PostgresMigrations =
    [
        // sequence is numbered by the trail under the "audit-chain" lock, not by an identity column, which could leave
        // gaps (a rolled-back group consumes its values). recorded_at compares bytewise (COLLATE "C") whatever the
        // database's locale: time-range searches rely on text order being time order. PostgreSQL indexes do not end
        // with the primary key on their own, so each ends with sequence explicitly to give "newest first" without a sort.
        $"""
        CREATE TABLE {AuditRow.Table} (
            sequence       BIGINT  NOT NULL PRIMARY KEY,
            recorded_at    TEXT    COLLATE "C" NOT NULL,
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
            from_cache     BIGINT  NOT NULL,
            previous_hash  TEXT    NOT NULL,
            hash           TEXT    NOT NULL);
        CREATE INDEX ix_audit_records_subject_hash ON {AuditRow.Table} (subject_hash, sequence);
        CREATE INDEX ix_audit_records_actor_subject ON {AuditRow.Table} (actor_subject, sequence);
        CREATE INDEX ix_audit_records_purpose ON {AuditRow.Table} (purpose, sequence);
        CREATE INDEX ix_audit_records_recorded_at ON {AuditRow.Table} (recorded_at);
        """,
    ];

    public static WebApplicationBuilder AddAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddStoreSchema(Module, SqliteMigrations, PostgresMigrations);
        builder.Services.AddSingleton<IAuditTrail, StoreAuditTrail>();
        builder.Services.AddSingleton<AuditReader>();
        return builder;
    }
}
