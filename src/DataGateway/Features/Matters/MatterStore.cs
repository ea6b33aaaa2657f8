using Dapper;
using DataGateway.Features.Store;

namespace DataGateway.Features.Matters;

/// <summary>A unit's matter figures over a period (see sla.proto for the definitions).</summary>
public sealed record MatterFigures(long Filed, long Due, long Answered, long OnTime, long Overdue, long Late)
{
    public static MatterFigures Empty { get; } = new(0, 0, 0, 0, 0, 0);

    public MatterFigures Plus(MatterFigures other) => new(
        Filed + other.Filed, Due + other.Due, Answered + other.Answered, OnTime + other.OnTime, Overdue + other.Overdue, Late + other.Late);
}

/// <summary>
/// Where matters live. Every change is a conditional UPDATE (compare-and-set on the state, and for deliveries on the
/// lease), and deliveries are claimed with row locks that other replicas skip, so replicas sharing the store never both
/// claim a delivery or both record an answer.
/// </summary>
public interface IMatterStore
{
    /// <summary>Stores a new matter in state <see cref="MatterLifecycle.Filing"/>, leased to <see cref="MatterRecord.LeaseOwner"/>.</summary>
    Task InsertAsync(MatterRecord matter, CancellationToken cancellationToken);

    /// <summary>Filing → dispatched, once the matter is on the audit trail.</summary>
    Task ActivateAsync(string matterId, CancellationToken cancellationToken);

    /// <summary>Removes a matter still in filing (its audit record could not be written).</summary>
    Task DeleteFilingAsync(string matterId, CancellationToken cancellationToken);

    /// <summary>A filed matter, or null (also for one still in filing).</summary>
    Task<MatterRecord?> FindAsync(string matterId, CancellationToken cancellationToken);

    /// <summary>Every filed matter of a case, newest first.</summary>
    Task<IReadOnlyList<MatterRecord>> ListByCaseAsync(string caseNumber, CancellationToken cancellationToken);

    /// <summary>
    /// Leases up to <paramref name="limit"/> undelivered matters whose next attempt is due to <paramref name="owner"/>
    /// until <paramref name="leaseUntilMs"/>; a lease that expired (its holder died) can be taken over.
    /// </summary>
    Task<IReadOnlyList<MatterRecord>> ClaimDeliveriesAsync(string owner, long nowMs, long leaseUntilMs, int limit, CancellationToken cancellationToken);

    /// <summary>The unit confirmed receipt: delivered (if not answered meanwhile), identifier erased, lease released.</summary>
    Task MarkDeliveredAsync(string matterId, string owner, long atMs, int attempts, string? acceptanceNumber, CancellationToken cancellationToken);

    /// <summary>An attempt failed: try again at <paramref name="nextAttemptMs"/>, or never (null: the deadline passed; identifier erased).</summary>
    Task ScheduleRetryAsync(string matterId, string owner, int attempts, long? nextAttemptMs, string error, CancellationToken cancellationToken);

    /// <summary>When the earliest pending delivery attempt is due; null when none is pending.</summary>
    Task<long?> NextAttemptAtAsync(CancellationToken cancellationToken);

    /// <summary>Records the first answer if the matter has none yet; false when another answer got there first.</summary>
    Task<bool> RecordFeedbackAsync(string matterId, FeedbackAnswer answer, long atMs, string answeredBy, CancellationToken cancellationToken);

    /// <summary>Per unit, the figures of matters filed in [fromMs, toMs), as of <paramref name="asOfMs"/>.</summary>
    Task<Dictionary<string, MatterFigures>> FiguresAsync(long fromMs, long toMs, long asOfMs, IReadOnlyCollection<string>? unitIds, CancellationToken cancellationToken);

    /// <summary>One unit's figures per China Standard Time day of filing (day number since 1970-01-01).</summary>
    Task<Dictionary<long, MatterFigures>> DailyFiguresAsync(string unitId, long fromMs, long toMs, long asOfMs, CancellationToken cancellationToken);

    /// <summary>Unanswered matters past their deadline at <paramref name="nowMs"/>, most overdue first, and how many there are.</summary>
    Task<(IReadOnlyList<MatterRecord> Matters, int Total)> OverdueAsync(long nowMs, IReadOnlyCollection<string>? unitIds, int limit, CancellationToken cancellationToken);
}

/// <summary>
/// The matters table in the gateway store, on SQLite or PostgreSQL. Portable SQL: unix-ms times, CASE instead of engine
/// functions, quoted aliases where rows are read by column name (PostgreSQL folds unquoted ones to lower case).
/// </summary>
internal sealed class MatterStore(GatewayStore store) : IMatterStore
{
    public const string Module = "matters";

    /// <summary>Append, never edit one that has shipped; every version has its twin in <see cref="PostgresMigrations"/>.</summary>
    public static readonly string[] SqliteMigrations =
    [
        """
        CREATE TABLE matters (
            matter_id             TEXT    NOT NULL PRIMARY KEY,
            case_number           TEXT    NOT NULL,
            action                TEXT    NOT NULL,
            unit_id               TEXT    NOT NULL,
            unit_kind             TEXT    NOT NULL,
            subject_kind          TEXT    NOT NULL,
            subject_masked        TEXT    NOT NULL,
            subject_name          TEXT    NOT NULL,
            subject_hash          TEXT    NOT NULL,
            subject_identifier    TEXT,
            asset_reference       TEXT    NOT NULL,
            amount_yuan           TEXT,
            term_months           INTEGER NOT NULL,
            ruling_number         TEXT,
            notice_number         TEXT    NOT NULL,
            filed_by              TEXT    NOT NULL,
            requester_hash        TEXT    NOT NULL,
            filed_at_ms           INTEGER NOT NULL,
            deadline_ms           INTEGER NOT NULL,
            deadline_working_days INTEGER NOT NULL,
            state                 TEXT    NOT NULL,
            delivered_at_ms       INTEGER,
            acceptance_number     TEXT,
            attempts              INTEGER NOT NULL,
            next_attempt_ms       INTEGER,
            last_error            TEXT,
            lease_owner           TEXT,
            lease_until_ms        INTEGER,
            outcome               TEXT,
            reason                TEXT,
            executed_amount_yuan  TEXT,
            receipt_number        TEXT,
            answered_at_ms        INTEGER,
            answered_by           TEXT);
        CREATE INDEX ix_matters_case ON matters (case_number, filed_at_ms);
        CREATE INDEX ix_matters_unit ON matters (unit_id, filed_at_ms);
        CREATE INDEX ix_matters_filed ON matters (filed_at_ms);
        CREATE INDEX ix_matters_delivery ON matters (state, next_attempt_ms);
        CREATE INDEX ix_matters_deadline ON matters (state, deadline_ms);
        """,
    ];

    /// <summary>
    /// The same versions as <see cref="SqliteMigrations"/>: BIGINT for unix-ms times (a long does not fit PostgreSQL's
    /// INTEGER), INTEGER where the record holds an int (attempts, term, working days).
    /// </summary>
    public static readonly string[] PostgresMigrations =
    [
        """
        CREATE TABLE matters (
            matter_id             TEXT    NOT NULL PRIMARY KEY,
            case_number           TEXT    NOT NULL,
            action                TEXT    NOT NULL,
            unit_id               TEXT    NOT NULL,
            unit_kind             TEXT    NOT NULL,
            subject_kind          TEXT    NOT NULL,
            subject_masked        TEXT    NOT NULL,
            subject_name          TEXT    NOT NULL,
            subject_hash          TEXT    NOT NULL,
            subject_identifier    TEXT,
            asset_reference       TEXT    NOT NULL,
            amount_yuan           TEXT,
            term_months           INTEGER NOT NULL,
            ruling_number         TEXT,
            notice_number         TEXT    NOT NULL,
            filed_by              TEXT    NOT NULL,
            requester_hash        TEXT    NOT NULL,
            filed_at_ms           BIGINT  NOT NULL,
            deadline_ms           BIGINT  NOT NULL,
            deadline_working_days INTEGER NOT NULL,
            state                 TEXT    NOT NULL,
            delivered_at_ms       BIGINT,
            acceptance_number     TEXT,
            attempts              INTEGER NOT NULL,
            next_attempt_ms       BIGINT,
            last_error            TEXT,
            lease_owner           TEXT,
            lease_until_ms        BIGINT,
            outcome               TEXT,
            reason                TEXT,
            executed_amount_yuan  TEXT,
            receipt_number        TEXT,
            answered_at_ms        BIGINT,
            answered_by           TEXT);
        CREATE INDEX ix_matters_case ON matters (case_number, filed_at_ms);
        CREATE INDEX ix_matters_unit ON matters (unit_id, filed_at_ms);
        CREATE INDEX ix_matters_filed ON matters (filed_at_ms);
        CREATE INDEX ix_matters_delivery ON matters (state, next_attempt_ms);
        CREATE INDEX ix_matters_deadline ON matters (state, deadline_ms);
        """,
    ];

    private const string Columns = """
        matter_id AS MatterId, case_number AS CaseNumber, action AS Action, unit_id AS UnitId, unit_kind AS UnitKind,
        subject_kind AS SubjectKind, subject_masked AS SubjectMasked, subject_name AS SubjectName, subject_hash AS SubjectHash,
        subject_identifier AS SubjectIdentifier, asset_reference AS AssetReference, amount_yuan AS AmountYuan,
        term_months AS TermMonths, ruling_number AS RulingNumber, notice_number AS NoticeNumber, filed_by AS FiledBy,
        requester_hash AS RequesterHash, filed_at_ms AS FiledAtMs, deadline_ms AS DeadlineMs,
        deadline_working_days AS DeadlineWorkingDays, state AS State, delivered_at_ms AS DeliveredAtMs,
        acceptance_number AS AcceptanceNumber, attempts AS Attempts, next_attempt_ms AS NextAttemptMs, last_error AS LastError,
        lease_owner AS LeaseOwner, lease_until_ms AS LeaseUntilMs, outcome AS Outcome, reason AS Reason,
        executed_amount_yuan AS ExecutedAmountYuan, receipt_number AS ReceiptNumber, answered_at_ms AS AnsweredAtMs,
        answered_by AS AnsweredBy
        """;

    // The figures of one group of matters as of @AsOf (definitions in sla.proto). An answer at or before @AsOf counts;
    // a deadline at or before @AsOf has passed. Aliases are quoted: the rows are read by name, and PostgreSQL would
    // hand back "filed" for an unquoted Filed.
    private const string FigureColumns = """
        COUNT(*) AS "Filed",
        SUM(CASE WHEN deadline_ms <= @AsOf OR (answered_at_ms IS NOT NULL AND answered_at_ms <= @AsOf AND answered_at_ms < deadline_ms) THEN 1 ELSE 0 END) AS "Due",
        SUM(CASE WHEN answered_at_ms IS NOT NULL AND answered_at_ms <= @AsOf THEN 1 ELSE 0 END) AS "Answered",
        SUM(CASE WHEN answered_at_ms IS NOT NULL AND answered_at_ms <= @AsOf AND answered_at_ms < deadline_ms THEN 1 ELSE 0 END) AS "OnTime",
        SUM(CASE WHEN deadline_ms <= @AsOf AND (answered_at_ms IS NULL OR answered_at_ms > @AsOf) THEN 1 ELSE 0 END) AS "Overdue",
        SUM(CASE WHEN answered_at_ms IS NOT NULL AND answered_at_ms <= @AsOf AND answered_at_ms >= deadline_ms THEN 1 ELSE 0 END) AS "Late"
        """;

    public async Task InsertAsync(MatterRecord matter, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO matters (matter_id, case_number, action, unit_id, unit_kind, subject_kind, subject_masked, subject_name,
                subject_hash, subject_identifier, asset_reference, amount_yuan, term_months, ruling_number, notice_number, filed_by,
                requester_hash, filed_at_ms, deadline_ms, deadline_working_days, state, attempts, next_attempt_ms, lease_owner, lease_until_ms)
            VALUES (@MatterId, @CaseNumber, @Action, @UnitId, @UnitKind, @SubjectKind, @SubjectMasked, @SubjectName,
                @SubjectHash, @SubjectIdentifier, @AssetReference, @AmountYuan, @TermMonths, @RulingNumber, @NoticeNumber, @FiledBy,
                @RequesterHash, @FiledAtMs, @DeadlineMs, @DeadlineWorkingDays, @State, @Attempts, @NextAttemptMs, @LeaseOwner, @LeaseUntilMs)
            """,
            matter,
            cancellationToken: cancellationToken));
    }

    public async Task ActivateAsync(string matterId, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE matters SET state = @Dispatched WHERE matter_id = @MatterId AND state = @Filing",
            new { MatterId = matterId, MatterLifecycle.Dispatched, MatterLifecycle.Filing },
            cancellationToken: cancellationToken));
    }

    public async Task DeleteFilingAsync(string matterId, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM matters WHERE matter_id = @MatterId AND state = @Filing",
            new { MatterId = matterId, MatterLifecycle.Filing },
            cancellationToken: cancellationToken));
    }

    public async Task<MatterRecord?> FindAsync(string matterId, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<MatterRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM matters WHERE matter_id = @MatterId AND state <> @Filing",
            new { MatterId = matterId, MatterLifecycle.Filing },
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<MatterRecord>> ListByCaseAsync(string caseNumber, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<MatterRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM matters WHERE case_number = @CaseNumber AND state <> @Filing ORDER BY filed_at_ms DESC, matter_id DESC",
            new { CaseNumber = caseNumber, MatterLifecycle.Filing },
            cancellationToken: cancellationToken));
        return [.. rows];
    }

    public async Task<IReadOnlyList<MatterRecord>> ClaimDeliveriesAsync(string owner, long nowMs, long leaseUntilMs, int limit, CancellationToken cancellationToken)
    {
        var parameters = new { Owner = owner, LeaseUntilMs = leaseUntilMs, MatterLifecycle.Dispatched, NowMs = nowMs, Limit = limit };
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // PostgreSQL: the due rows are locked until COMMIT and rows another replica is claiming right now are skipped, so
        // two replicas claiming at once get disjoint sets. SQLite: the transaction holds the file's write lock already.
        var candidates = (await connection.QueryAsync<string>(new CommandDefinition(
            $"""
            SELECT matter_id FROM matters
            WHERE state = @Dispatched AND next_attempt_ms IS NOT NULL AND next_attempt_ms <= @NowMs
                AND (lease_until_ms IS NULL OR lease_until_ms <= @NowMs)
            ORDER BY next_attempt_ms, matter_id
            LIMIT @Limit{store.ClaimRows}
            """,
            parameters,
            transaction,
            cancellationToken: cancellationToken))).ToList();
        if (candidates.Count == 0)
        {
            return [];
        }

        var claim = new DynamicParameters(parameters);
        var ids = GatewayStore.InList(claim, "MatterId", candidates);
        // The lease condition again: the claim stays a compare-and-set even where the rows were not locked.
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE matters SET lease_owner = @Owner, lease_until_ms = @LeaseUntilMs
            WHERE matter_id IN {ids} AND state = @Dispatched AND (lease_until_ms IS NULL OR lease_until_ms <= @NowMs)
            """,
            claim,
            transaction,
            cancellationToken: cancellationToken));
        var claimed = await connection.QueryAsync<MatterRecord>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM matters
            WHERE matter_id IN {ids} AND lease_owner = @Owner AND lease_until_ms = @LeaseUntilMs
            ORDER BY next_attempt_ms, matter_id
            """,
            claim,
            transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return [.. claimed];
    }

    public async Task MarkDeliveredAsync(string matterId, string owner, long atMs, int attempts, string? acceptanceNumber, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE matters SET
                state = CASE WHEN state = @Dispatched THEN @Delivered ELSE state END,
                delivered_at_ms = CASE WHEN delivered_at_ms IS NULL THEN @AtMs ELSE delivered_at_ms END,
                acceptance_number = @AcceptanceNumber, attempts = @Attempts, subject_identifier = NULL,
                next_attempt_ms = NULL, last_error = NULL, lease_owner = NULL, lease_until_ms = NULL
            WHERE matter_id = @MatterId AND (lease_owner = @Owner OR lease_owner IS NULL)
            """,
            new { MatterId = matterId, Owner = owner, AtMs = atMs, Attempts = attempts, AcceptanceNumber = acceptanceNumber, MatterLifecycle.Dispatched, MatterLifecycle.Delivered },
            cancellationToken: cancellationToken));
    }

    public async Task ScheduleRetryAsync(string matterId, string owner, int attempts, long? nextAttemptMs, string error, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        // Giving up (no next attempt) also erases the identifier: it was kept only for delivery.
        var erase = nextAttemptMs is null ? ", subject_identifier = NULL" : string.Empty;
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE matters SET attempts = @Attempts, next_attempt_ms = @NextAttemptMs, last_error = @Error,
                lease_owner = NULL, lease_until_ms = NULL{erase}
            WHERE matter_id = @MatterId AND lease_owner = @Owner
            """,
            new { MatterId = matterId, Owner = owner, Attempts = attempts, NextAttemptMs = nextAttemptMs, Error = error },
            cancellationToken: cancellationToken));
    }

    public async Task<long?> NextAttemptAtAsync(CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT MIN(CASE WHEN lease_until_ms IS NOT NULL AND lease_until_ms > next_attempt_ms THEN lease_until_ms ELSE next_attempt_ms END) FROM matters WHERE state = @Dispatched AND next_attempt_ms IS NOT NULL",
            new { MatterLifecycle.Dispatched },
            cancellationToken: cancellationToken));
    }

    public async Task<bool> RecordFeedbackAsync(string matterId, FeedbackAnswer answer, long atMs, string answeredBy, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        // An answer proves delivery: a unit that answers has the matter, so re-delivery stops and the identifier goes.
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE matters SET state = @Answered, outcome = @Outcome, reason = @Reason, executed_amount_yuan = @ExecutedAmountYuan,
                receipt_number = @ReceiptNumber, answered_at_ms = @AtMs, answered_by = @AnsweredBy,
                delivered_at_ms = CASE WHEN delivered_at_ms IS NULL THEN @AtMs ELSE delivered_at_ms END,
                subject_identifier = NULL, next_attempt_ms = NULL
            WHERE matter_id = @MatterId AND state IN (@Dispatched, @Delivered)
            """,
            new
            {
                MatterId = matterId,
                MatterLifecycle.Answered,
                MatterLifecycle.Dispatched,
                MatterLifecycle.Delivered,
                Outcome = MatterLifecycle.OutcomeName(answer.Outcome),
                answer.Reason,
                answer.ExecutedAmountYuan,
                answer.ReceiptNumber,
                AtMs = atMs,
                AnsweredBy = answeredBy,
            },
            cancellationToken: cancellationToken));
        return changed == 1;
    }

    public async Task<Dictionary<string, MatterFigures>> FiguresAsync(long fromMs, long toMs, long asOfMs, IReadOnlyCollection<string>? unitIds, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters(new { FromMs = fromMs, ToMs = toMs, AsOf = asOfMs, MatterLifecycle.Filing });
        var filter = unitIds is null ? string.Empty : "AND unit_id IN " + GatewayStore.InList(parameters, "UnitId", unitIds);
        await using var connection = await store.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync(new CommandDefinition(
            $"""
            SELECT unit_id AS "GroupKey", {FigureColumns}
            FROM matters
            WHERE filed_at_ms >= @FromMs AND filed_at_ms < @ToMs AND state <> @Filing {filter}
            GROUP BY unit_id
            """,
            parameters,
            cancellationToken: cancellationToken));
        var figures = new Dictionary<string, MatterFigures>(StringComparer.Ordinal);
        foreach (IDictionary<string, object?> row in rows)
        {
            figures[(string)row["GroupKey"]!] = FiguresOf(row);
        }

        return figures;
    }

    public async Task<Dictionary<long, MatterFigures>> DailyFiguresAsync(string unitId, long fromMs, long toMs, long asOfMs, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync(new CommandDefinition(
            $"""
            SELECT (filed_at_ms + 28800000) / 86400000 AS "DayNumber", {FigureColumns}
            FROM matters
            WHERE unit_id = @UnitId AND filed_at_ms >= @FromMs AND filed_at_ms < @ToMs AND state <> @Filing
            GROUP BY (filed_at_ms + 28800000) / 86400000
            """,
            new { UnitId = unitId, FromMs = fromMs, ToMs = toMs, AsOf = asOfMs, MatterLifecycle.Filing },
            cancellationToken: cancellationToken));
        var figures = new Dictionary<long, MatterFigures>();
        foreach (IDictionary<string, object?> row in rows)
        {
            figures[Long(row["DayNumber"])] = FiguresOf(row);
        }

        return figures;
    }

    public async Task<(IReadOnlyList<MatterRecord> Matters, int Total)> OverdueAsync(long nowMs, IReadOnlyCollection<string>? unitIds, int limit, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters(new { MatterLifecycle.Dispatched, MatterLifecycle.Delivered, NowMs = nowMs, Limit = limit });
        var filter = unitIds is null ? string.Empty : "AND unit_id IN " + GatewayStore.InList(parameters, "UnitId", unitIds);
        var where = $"state IN (@Dispatched, @Delivered) AND deadline_ms <= @NowMs {filter}";
        await using var connection = await store.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(*) FROM matters WHERE {where}", parameters, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<MatterRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM matters WHERE {where} ORDER BY deadline_ms, matter_id LIMIT @Limit", parameters, cancellationToken: cancellationToken));
        return ([.. rows], (int)total);
    }

    // Aggregates have no declared column type, so engines (and SQLite per row) differ in the CLR type they hand back
    // (PostgreSQL: bigint for COUNT and for SUM of an INTEGER expression).
    private static long Long(object? value) => value is null or DBNull ? 0 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);

    private static MatterFigures FiguresOf(IDictionary<string, object?> row) =>
        new(Long(row["Filed"]), Long(row["Due"]), Long(row["Answered"]), Long(row["OnTime"]), Long(row["Overdue"]), Long(row["Late"]));
}
