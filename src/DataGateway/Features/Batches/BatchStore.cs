using System.Data;
using System.Data.Common;
using System.Globalization;
using Dapper;
using DataGateway.Contracts.V1;
using DataGateway.Features.Cases;
using DataGateway.Features.Store;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Data.Sqlite;

namespace DataGateway.Features.Batches;

/// <summary>
/// Batches in the gateway store, on SQLite or PostgreSQL. The SQL is plain and shared by both engines (TEXT, INTEGER,
/// ON CONFLICT upserts, UPDATE … RETURNING); the schema is written once per engine.
/// <para>
/// Replicas: subjects are handed out as leases (state, owner, token, expiry). A claim takes PENDING subjects and
/// LEASED ones whose lease has expired; on PostgreSQL its claiming SELECT skips rows another replica is claiming at
/// that moment (<see cref="GatewayStore.ClaimRows"/>), so concurrent claims are disjoint and never wait for each other,
/// and on SQLite the transaction holds the file's write lock. Storing a result requires the lease token, so a replica
/// whose lease expired and was taken over cannot store a second result.
/// </para>
/// <para>
/// A subject's plain identifier is kept only while it is PENDING or LEASED: the runner must be able to ask about it
/// after a restart. The update that stores its answers also clears it; cancelling clears it too. From then on the
/// subject is held only as a keyed hash (to match with the case registry and the audit trail) and a masked form (to
/// show).
/// </para>
/// </summary>
internal sealed class BatchStore(GatewayStore store) : IBatchStore
{
    public const string Module = "batches";

    /// <summary>The feature's SQLite migrations, oldest first; append, never edit one that has shipped.</summary>
    public static readonly string[] Migrations =
    [
        """
        CREATE TABLE batches (
            batch_id       TEXT    NOT NULL PRIMARY KEY,
            owner_subject  TEXT    NOT NULL,
            owner_roles    TEXT    NOT NULL,
            owner_court    TEXT,
            case_number    TEXT,
            asset_kinds    TEXT    NOT NULL,
            fresh          INTEGER NOT NULL,
            state          TEXT    NOT NULL CHECK (state IN ('QUEUED', 'RUNNING', 'COMPLETED', 'CANCELLED')),
            rows_submitted INTEGER NOT NULL,
            total          INTEGER NOT NULL,
            done           INTEGER NOT NULL DEFAULT 0,
            failed         INTEGER NOT NULL DEFAULT 0,
            created_at     TEXT    NOT NULL,
            updated_at     TEXT    NOT NULL,
            finished_at    TEXT);
        CREATE INDEX ix_batches_state ON batches (state, created_at);
        CREATE INDEX ix_batches_owner ON batches (owner_subject, created_at);
        CREATE TABLE batch_subjects (
            batch_id          TEXT    NOT NULL REFERENCES batches (batch_id) ON DELETE CASCADE,
            position          INTEGER NOT NULL,
            row_indexes       TEXT    NOT NULL,
            case_number       TEXT    NOT NULL,
            identifier_kind   TEXT    NOT NULL CHECK (identifier_kind IN ('ID_NUMBER', 'CREDIT_CODE')),
            identifier        TEXT,
            identifier_hash   TEXT    NOT NULL,
            identifier_masked TEXT    NOT NULL,
            name              TEXT    NOT NULL,
            state             TEXT    NOT NULL CHECK (state IN ('PENDING', 'LEASED', 'ANSWERED', 'DENIED', 'CANCELLED')),
            lease_owner       TEXT,
            lease_token       TEXT,
            lease_expires_at  INTEGER,
            attempts          INTEGER NOT NULL DEFAULT 0,
            complete          INTEGER,
            answers           BLOB,
            detail            TEXT,
            answered_at       TEXT,
            PRIMARY KEY (batch_id, position),
            -- A plain identifier only while the subject still has to be asked about.
            CHECK (identifier IS NULL OR state IN ('PENDING', 'LEASED')));
        CREATE INDEX ix_batch_subjects_work ON batch_subjects (batch_id, state, position);
        CREATE INDEX ix_batch_subjects_lease_owner ON batch_subjects (lease_owner);
        CREATE TABLE batch_unit_tallies (
            batch_id     TEXT    NOT NULL REFERENCES batches (batch_id) ON DELETE CASCADE,
            unit_id      TEXT    NOT NULL,
            position     INTEGER NOT NULL,
            unit_name    TEXT    NOT NULL,
            ok           INTEGER NOT NULL DEFAULT 0,
            not_found    INTEGER NOT NULL DEFAULT 0,
            timeout      INTEGER NOT NULL DEFAULT 0,
            unavailable  INTEGER NOT NULL DEFAULT 0,
            error        INTEGER NOT NULL DEFAULT 0,
            circuit_open INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (batch_id, unit_id));
        """,
    ];

    /// <summary>
    /// The same versions for PostgreSQL: BIGINT for the lease expiry (unix ms), BYTEA for the answers; the rest as on
    /// SQLite, so both engines read and write the same values. Append, never edit one that has shipped.
    /// </summary>
    public static readonly string[] PostgresMigrations =
    [
        """
        CREATE TABLE batches (
            batch_id       TEXT    NOT NULL PRIMARY KEY,
            owner_subject  TEXT    NOT NULL,
            owner_roles    TEXT    NOT NULL,
            owner_court    TEXT,
            case_number    TEXT,
            asset_kinds    TEXT    NOT NULL,
            fresh          INTEGER NOT NULL,
            state          TEXT    NOT NULL CHECK (state IN ('QUEUED', 'RUNNING', 'COMPLETED', 'CANCELLED')),
            rows_submitted INTEGER NOT NULL,
            total          INTEGER NOT NULL,
            done           INTEGER NOT NULL DEFAULT 0,
            failed         INTEGER NOT NULL DEFAULT 0,
            created_at     TEXT    NOT NULL,
            updated_at     TEXT    NOT NULL,
            finished_at    TEXT);
        CREATE INDEX ix_batches_state ON batches (state, created_at);
        CREATE INDEX ix_batches_owner ON batches (owner_subject, created_at);
        CREATE TABLE batch_subjects (
            batch_id          TEXT    NOT NULL REFERENCES batches (batch_id) ON DELETE CASCADE,
            position          INTEGER NOT NULL,
            row_indexes       TEXT    NOT NULL,
            case_number       TEXT    NOT NULL,
            identifier_kind   TEXT    NOT NULL CHECK (identifier_kind IN ('ID_NUMBER', 'CREDIT_CODE')),
            identifier        TEXT,
            identifier_hash   TEXT    NOT NULL,
            identifier_masked TEXT    NOT NULL,
            name              TEXT    NOT NULL,
            state             TEXT    NOT NULL CHECK (state IN ('PENDING', 'LEASED', 'ANSWERED', 'DENIED', 'CANCELLED')),
            lease_owner       TEXT,
            lease_token       TEXT,
            lease_expires_at  BIGINT,
            attempts          INTEGER NOT NULL DEFAULT 0,
            complete          INTEGER,
            answers           BYTEA,
            detail            TEXT,
            answered_at       TEXT,
            PRIMARY KEY (batch_id, position),
            -- A plain identifier only while the subject still has to be asked about.
            CHECK (identifier IS NULL OR state IN ('PENDING', 'LEASED')));
        CREATE INDEX ix_batch_subjects_work ON batch_subjects (batch_id, state, position);
        CREATE INDEX ix_batch_subjects_lease_owner ON batch_subjects (lease_owner);
        CREATE TABLE batch_unit_tallies (
            batch_id     TEXT    NOT NULL REFERENCES batches (batch_id) ON DELETE CASCADE,
            unit_id      TEXT    NOT NULL,
            position     INTEGER NOT NULL,
            unit_name    TEXT    NOT NULL,
            ok           INTEGER NOT NULL DEFAULT 0,
            not_found    INTEGER NOT NULL DEFAULT 0,
            timeout      INTEGER NOT NULL DEFAULT 0,
            unavailable  INTEGER NOT NULL DEFAULT 0,
            error        INTEGER NOT NULL DEFAULT 0,
            circuit_open INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (batch_id, unit_id));
        """,
    ];

    private const string Unfinished = "('PENDING', 'LEASED')";

    public async Task CreateAsync(NewBatch batch, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = Text(batch.CreatedAt);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO batches (batch_id, owner_subject, owner_roles, owner_court, case_number, asset_kinds, fresh, state,
                rows_submitted, total, created_at, updated_at)
            VALUES (@BatchId, @OwnerSubject, @OwnerRoles, @OwnerCourt, @CaseNumber, @AssetKinds, @Fresh, 'QUEUED',
                @RowsSubmitted, @Total, @Now, @Now)
            """,
            new
            {
                batch.BatchId,
                OwnerSubject = batch.Owner.Subject,
                OwnerRoles = batch.Owner.Roles,
                OwnerCourt = batch.Owner.CourtCode,
                batch.CaseNumber,
                AssetKinds = string.Join(',', batch.AssetKinds),
                Fresh = batch.Fresh ? 1 : 0,
                batch.RowsSubmitted,
                Total = batch.Subjects.Count,
                Now = now,
            },
            transaction,
            cancellationToken: cancellationToken));

        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO batch_subjects (batch_id, position, row_indexes, case_number, identifier_kind, identifier,
                identifier_hash, identifier_masked, name, state)
            VALUES (@BatchId, @Position, @Rows, @CaseNumber, @Kind, @Identifier, @Hash, @Masked, @Name, 'PENDING')
            """,
            batch.Subjects.Select(s => new
            {
                batch.BatchId,
                s.Position,
                Rows = string.Join(',', s.Rows),
                s.CaseNumber,
                Kind = KindText(s.Kind),
                s.Identifier,
                Hash = s.IdentifierHash,
                Masked = s.MaskedIdentifier,
                s.Name,
            }),
            transaction,
            cancellationToken: cancellationToken));

        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO batch_unit_tallies (batch_id, unit_id, position, unit_name) VALUES (@BatchId, @UnitId, @Position, @UnitName)",
            batch.Units.Select((u, i) => new { batch.BatchId, u.UnitId, Position = i, u.UnitName }),
            transaction,
            cancellationToken: cancellationToken));

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<Batch?> GetAsync(string batchId, string owner, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        return await ReadBatchAsync(connection, null, batchId, owner, cancellationToken);
    }

    public async Task<BatchResultsPage?> ListResultsAsync(string batchId, string owner, int fromPosition, int count, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        // A batch's total never changes, so page and total need no common snapshot.
        var total = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            "SELECT total FROM batches WHERE batch_id = @BatchId AND owner_subject = @Owner",
            new { BatchId = batchId, Owner = owner },
            cancellationToken: cancellationToken));
        if (total is null)
        {
            return null;
        }

        var rows = await connection.QueryAsync<ResultRow>(new CommandDefinition(
            """
            SELECT position AS Position, row_indexes AS RowIndexes, case_number AS CaseNumber, identifier_kind AS Kind,
                   identifier_masked AS Masked, name AS Name, state AS State, complete AS Complete, answers AS Answers,
                   detail AS Detail, answered_at AS AnsweredAt, identifier_hash AS IdentifierHash
              FROM batch_subjects
             WHERE batch_id = @BatchId AND position >= @From
             ORDER BY position
             LIMIT @Count
            """,
            new { BatchId = batchId, From = fromPosition, Count = count },
            cancellationToken: cancellationToken));
        var page = rows.ToList();
        return new BatchResultsPage([.. page.Select(ToResult)], (int)total.Value) { SubjectHashes = [.. page.Select(r => r.IdentifierHash)] };
    }

    public async Task<Batch?> CancelAsync(string batchId, string owner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await ForgetFreedBytesAsync(connection);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var state = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT state FROM batches WHERE batch_id = @BatchId AND owner_subject = @Owner",
            new { BatchId = batchId, Owner = owner },
            transaction,
            cancellationToken: cancellationToken));
        if (state is null)
        {
            return null;
        }

        if (state is "QUEUED" or "RUNNING")
        {
            // SQLite: the transaction is IMMEDIATE, so no runner stores a result between the read and the updates.
            // PostgreSQL (READ COMMITTED): a runner may store results meanwhile. Locking the subjects waits for any runner
            // storing results right now and then skips the subjects it finished; the batch's own update re-checks the
            // state, so a batch whose last subject was just stored stays COMPLETED. The subjects are locked in position
            // order and before the batch row, as storing results locks them, so the two cannot deadlock (FOR UPDATE is
            // PostgreSQL's; SQLite has no row locks and needs none). It waits, never skips: a row a claim holds is
            // being leased, and must be cancelled once it is.
            var lockRows = store.Engine == StoreEngine.Postgres ? " FOR UPDATE" : string.Empty;
            await connection.ExecuteAsync(new CommandDefinition(
                $"""
                WITH doomed AS (
                    SELECT position FROM batch_subjects
                     WHERE batch_id = @BatchId AND state IN {Unfinished}
                     ORDER BY position{lockRows})
                UPDATE batch_subjects
                   SET state = 'CANCELLED', identifier = NULL, lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
                 WHERE batch_id = @BatchId AND position IN (SELECT position FROM doomed) AND state IN {Unfinished};
                UPDATE batches SET state = 'CANCELLED', updated_at = @Now, finished_at = @Now
                 WHERE batch_id = @BatchId AND state IN ('QUEUED', 'RUNNING');
                """,
                new { BatchId = batchId, Now = Text(now) },
                transaction,
                cancellationToken: cancellationToken));
        }

        var batch = await ReadBatchAsync(connection, transaction, batchId, owner, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return batch;
    }

    public async Task<BatchWriteResult> WriteAsync(
        IReadOnlyList<SubjectCompletion> completions, ClaimRequest? claim, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (completions.Count == 0 && claim is null)
        {
            return new BatchWriteResult([], []);
        }

        await using var connection = await store.OpenAsync(cancellationToken);
        // SQLite only: a claim alone is committed without syncing the file. A claim lost to a power cut leaves its
        // subjects PENDING, as if never claimed, and the replica that claimed them is gone with it; whatever follows from
        // a claim (the audit record, the result) is committed synced, and syncing the write-ahead log syncs the claim
        // written before it. The connection goes back to the pool synced again, as every other writer expects it.
        var unsynced = store.Engine == StoreEngine.Sqlite && completions.Count == 0;
        if (unsynced)
        {
            await connection.ExecuteAsync("PRAGMA synchronous = NORMAL;");
        }
        else if (completions.Count > 0)
        {
            await ForgetFreedBytesAsync(connection);
        }

        try
        {
            // SQLite: the transaction is IMMEDIATE, so the write lock is held from the first read and replicas sharing the
            // file write one after the other. PostgreSQL: see CompleteAsync and ClaimAsync on the order rows are locked in.
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            // Results first: a claim never waits for a row lock, so nothing is held while results wait for theirs.
            var (stored, finished) = await CompleteAsync(connection, transaction, completions, now, cancellationToken);
            var claimed = claim is null ? [] : await ClaimAsync(connection, transaction, claim, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new BatchWriteResult(stored, claimed) { Finished = finished };
        }
        finally
        {
            if (unsynced)
            {
                await SyncAgainAsync((SqliteConnection)connection);
            }
        }
    }

    /// <summary>Sets a connection that committed unsynced back to synced commits before it returns to the pool.</summary>
    private static async Task SyncAgainAsync(SqliteConnection connection)
    {
        try
        {
            await connection.ExecuteAsync("PRAGMA synchronous = FULL;");
        }
        catch (SqliteException)
        {
            // Never pooled unsynced: the pool drops its connections rather than hand this one out again.
            SqliteConnection.ClearPool(connection);
        }
    }

    /// <summary>
    /// Leases subjects in the transaction. On PostgreSQL every row lock is taken with SKIP LOCKED, so replicas claiming
    /// at once take disjoint subjects and none waits for another.
    /// </summary>
    private async Task<List<LeasedSubject>> ClaimAsync(
        DbConnection connection, DbTransaction transaction, ClaimRequest claim, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var batches = (await connection.QueryAsync<ActiveBatchRow>(new CommandDefinition(
            """
            SELECT batch_id AS BatchId, owner_subject AS OwnerSubject, owner_roles AS OwnerRoles, owner_court AS OwnerCourt,
                   asset_kinds AS AssetKinds, fresh AS Fresh, state AS State
              FROM batches
             WHERE state IN ('QUEUED', 'RUNNING')
             ORDER BY created_at, batch_id
            """,
            transaction: transaction,
            cancellationToken: cancellationToken))).AsList();

        var token = Guid.NewGuid().ToString("N");
        var claimed = new List<LeasedSubject>(claim.Limit);
        foreach (var batch in batches)
        {
            if (claimed.Count >= claim.Limit)
            {
                break;
            }

            // Expired leases first (their holder is gone or too late, and its result will be refused by the token check),
            // then subjects never leased. Two picks, not one with an OR: each is then a range of the (batch, state,
            // position) index read in position order and stopped at the limit, where one pick over both states had to
            // walk the batch from its first subject past every finished one, a claim growing slower as the batch advanced.
            var parameters = new
            {
                Owner = claim.ReplicaId,
                Token = token,
                Until = claim.LeaseUntil.ToUnixTimeMilliseconds(),
                batch.BatchId,
                Now = now.ToUnixTimeMilliseconds(),
                Limit = claim.Limit - claimed.Count,
            };
            var subjects = await LeaseAsync(connection, transaction, "state = 'LEASED' AND lease_expires_at < @Now", parameters, cancellationToken);
            if (subjects.Count < parameters.Limit)
            {
                subjects.AddRange(await LeaseAsync(
                    connection, transaction, "state = 'PENDING'", parameters with { Limit = parameters.Limit - subjects.Count }, cancellationToken));
            }

            if (subjects.Count == 0)
            {
                continue;
            }

            if (batch.State == "QUEUED")
            {
                // Never waits for the batch row either: its holder is claiming too (and marks it RUNNING), storing a
                // result or cancelling. A batch left QUEUED meanwhile is marked by the next claim.
                await connection.ExecuteAsync(new CommandDefinition(
                    $"""
                    WITH queued AS (SELECT batch_id FROM batches WHERE batch_id = @BatchId AND state = 'QUEUED'{store.ClaimRows})
                    UPDATE batches SET state = 'RUNNING', updated_at = @Now WHERE batch_id IN (SELECT batch_id FROM queued)
                    """,
                    new { batch.BatchId, Now = Text(now) },
                    transaction,
                    cancellationToken: cancellationToken));
            }

            var owner = new BatchOwner(batch.OwnerSubject, batch.OwnerRoles, batch.OwnerCourt);
            IReadOnlyList<string> kinds = batch.AssetKinds.Length == 0 ? [] : batch.AssetKinds.Split(',');
            // RETURNING gives no order: the batch's order is restored here.
            claimed.AddRange(subjects.OrderBy(s => s.Position).Select(s => new LeasedSubject(
                batch.BatchId, (int)s.Position, token, owner, s.CaseNumber, ParseKind(s.Kind), s.Identifier, s.Name, kinds, batch.Fresh != 0)));
        }

        return claimed;
    }

    /// <summary>
    /// Leases up to @Limit subjects of the batch that match <paramref name="pick"/>, in position order, with one statement.
    /// On PostgreSQL the picking SELECT locks the rows it picks and passes over rows another replica's claim holds; a row
    /// another claim leased and committed after this statement began is re-checked once locked and, no longer matching,
    /// dropped. It is a WITH query so it runs once (a sub-SELECT under IN may be re-run per row, each run picking afresh).
    /// </summary>
    private async Task<List<WorkRow>> LeaseAsync(
        DbConnection connection, DbTransaction transaction, string pick, object parameters, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<WorkRow>(new CommandDefinition(
            $"""
            WITH picked AS (
                SELECT position
                  FROM batch_subjects
                 WHERE batch_id = @BatchId AND {pick}
                 ORDER BY position
                 LIMIT @Limit{store.ClaimRows})
            UPDATE batch_subjects
               SET state = 'LEASED', lease_owner = @Owner, lease_token = @Token, lease_expires_at = @Until, attempts = attempts + 1
             WHERE batch_id = @BatchId AND position IN (SELECT position FROM picked)
            RETURNING position AS Position, case_number AS CaseNumber, identifier_kind AS Kind, identifier AS Identifier, name AS Name
            """,
            parameters,
            transaction,
            cancellationToken: cancellationToken))).AsList();

    /// <summary>
    /// Stores outcomes in the transaction: each whose lease is still held, then the batches' counters and the units'
    /// tallies once per batch and unit for all of them, not once per subject.
    /// </summary>
    private static async Task<(bool[] Stored, List<string> Finished)> CompleteAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<SubjectCompletion> completions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stored = new bool[completions.Count];
        var finished = new List<string>();
        if (completions.Count == 0)
        {
            return (stored, finished);
        }

        // Rows are locked in one order by every writer: subjects by (batch, position), then batch rows, then tallies by
        // (batch, unit). Cancelling locks a batch's subjects by position before its batch row too, so on PostgreSQL no two
        // of these transactions (this replica's, another's, a cancel) can wait for each other in a cycle.
        var order = new int[completions.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (x, y) =>
        {
            var byBatch = string.CompareOrdinal(completions[x].Subject.BatchId, completions[y].Subject.BatchId);
            return byBatch != 0 ? byBatch : completions[x].Subject.Position.CompareTo(completions[y].Subject.Position);
        });

        var at = Text(now);
        await StoreOutcomesAsync(connection, transaction, completions, order, at, stored, cancellationToken);

        var batches = new List<(string BatchId, int Done, int Failed)>();
        var tallies = new SortedDictionary<(string BatchId, string UnitId), UnitTally>(TallyKeyComparer.Instance);
        foreach (var i in order)
        {
            if (!stored[i])
            {
                continue;
            }

            var (subject, outcome) = (completions[i].Subject, completions[i].Outcome);
            var failed = outcome.Complete ? 0 : 1;
            if (batches.Count > 0 && batches[^1].BatchId == subject.BatchId)
            {
                batches[^1] = (subject.BatchId, batches[^1].Done + 1, batches[^1].Failed + failed);
            }
            else
            {
                batches.Add((subject.BatchId, 1, failed));
            }

            for (var a = 0; a < outcome.Answers.Count; a++)
            {
                var answer = outcome.Answers[a];
                if (!tallies.TryGetValue((subject.BatchId, answer.UnitId), out var tally))
                {
                    // An upsert below, so a unit added to the catalog after the batch was submitted still gets its tally.
                    tally = new UnitTally(answer.UnitName, 100_000 + a);
                    tallies.Add((subject.BatchId, answer.UnitId), tally);
                }

                tally.Count(answer.Status);
            }
        }

        if (batches.Count == 0)
        {
            return (stored, finished);
        }

        // Usually one batch per write. The batches this write finished are reported, so their watchers read the end at
        // once rather than at their next progress read (BatchGrpcService.WatchBatch).
        foreach (var batch in batches)
        {
            var parameters = new { batch.BatchId, batch.Done, batch.Failed, Now = at };
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE batches SET done = done + @Done, failed = failed + @Failed, updated_at = @Now WHERE batch_id = @BatchId",
                parameters,
                transaction,
                cancellationToken: cancellationToken));
            finished.AddRange(await connection.QueryAsync<string>(new CommandDefinition(
                """
                UPDATE batches SET state = 'COMPLETED', finished_at = @Now
                 WHERE batch_id = @BatchId AND state IN ('QUEUED', 'RUNNING') AND done >= total
                RETURNING batch_id
                """,
                parameters,
                transaction,
                cancellationToken: cancellationToken)));
        }

        if (tallies.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO batch_unit_tallies (batch_id, unit_id, position, unit_name, ok, not_found, timeout, unavailable, error, circuit_open)
                VALUES (@BatchId, @UnitId, @Position, @UnitName, @Ok, @NotFound, @Timeout, @Unavailable, @Error, @CircuitOpen)
                ON CONFLICT (batch_id, unit_id) DO UPDATE SET
                    ok = batch_unit_tallies.ok + excluded.ok,
                    not_found = batch_unit_tallies.not_found + excluded.not_found,
                    timeout = batch_unit_tallies.timeout + excluded.timeout,
                    unavailable = batch_unit_tallies.unavailable + excluded.unavailable,
                    error = batch_unit_tallies.error + excluded.error,
                    circuit_open = batch_unit_tallies.circuit_open + excluded.circuit_open
                """,
                tallies.Select(t => new
                {
                    t.Key.BatchId,
                    t.Key.UnitId,
                    t.Value.Position,
                    t.Value.UnitName,
                    t.Value.Ok,
                    t.Value.NotFound,
                    t.Value.Timeout,
                    t.Value.Unavailable,
                    t.Value.Error,
                    t.Value.CircuitOpen,
                }),
                transaction,
                cancellationToken: cancellationToken));
        }

        return (stored, finished);
    }

    /// <summary>
    /// Stores each outcome whose lease is still held, in <paramref name="order"/>, with one command whose parameters are
    /// created once and given new values per subject (Dapper's list form would build them afresh for every row).
    /// </summary>
    private static async Task StoreOutcomesAsync(
        DbConnection connection,
        DbTransaction transaction,
        IReadOnlyList<SubjectCompletion> completions,
        int[] order,
        string at,
        bool[] stored,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            UPDATE batch_subjects
               SET state = @State, identifier = NULL, lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL,
                   complete = @Complete, answers = @Answers, detail = @Detail, answered_at = @Now
             WHERE batch_id = @BatchId AND position = @Position AND state = 'LEASED' AND lease_token = @Token
            """;
        var state = Parameter(command, "@State", DbType.String);
        var complete = Parameter(command, "@Complete", DbType.Int32);
        var answers = Parameter(command, "@Answers", DbType.Binary);
        var detail = Parameter(command, "@Detail", DbType.String);
        Parameter(command, "@Now", DbType.String).Value = at;
        var batchId = Parameter(command, "@BatchId", DbType.String);
        var position = Parameter(command, "@Position", DbType.Int32);
        var token = Parameter(command, "@Token", DbType.String);
        foreach (var i in order)
        {
            var (subject, outcome) = (completions[i].Subject, completions[i].Outcome);
            state.Value = outcome.State == BatchSubjectState.Denied ? "DENIED" : "ANSWERED";
            complete.Value = outcome.Complete ? 1 : 0;
            // The stored form of the answers is the contract's own encoding of UnitAnswer (in a QueryAssetsResponse that
            // holds only them), so results read back exactly as they were answered.
            answers.Value = new QueryAssetsResponse { Units = { outcome.Answers } }.ToByteArray();
            detail.Value = (object?)outcome.Detail ?? DBNull.Value;
            batchId.Value = subject.BatchId;
            position.Value = subject.Position;
            token.Value = subject.LeaseToken;
            stored[i] = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }
    }

    private static DbParameter Parameter(DbCommand command, string name, DbType type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        command.Parameters.Add(parameter);
        return parameter;
    }

    public async Task ReleaseAsync(IReadOnlyCollection<LeasedSubject> subjects, CancellationToken cancellationToken)
    {
        if (subjects.Count == 0)
        {
            return;
        }

        await using var connection = await store.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE batch_subjects SET state = 'PENDING', lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
             WHERE batch_id = @BatchId AND position = @Position AND state = 'LEASED' AND lease_token = @LeaseToken
            """,
            subjects.Select(s => new { s.BatchId, s.Position, s.LeaseToken }),
            transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<Batch?> ReadBatchAsync(
        DbConnection connection, DbTransaction? transaction, string batchId, string owner, CancellationToken cancellationToken)
    {
        using var reader = await connection.QueryMultipleAsync(new CommandDefinition(
            """
            SELECT batch_id AS BatchId, case_number AS CaseNumber, asset_kinds AS AssetKinds, state AS State,
                   rows_submitted AS RowsSubmitted, total AS Total, done AS Done, failed AS Failed,
                   created_at AS CreatedAt, updated_at AS UpdatedAt, finished_at AS FinishedAt
              FROM batches WHERE batch_id = @BatchId AND owner_subject = @Owner;
            SELECT t.unit_id AS UnitId, t.unit_name AS UnitName, t.ok AS Ok, t.not_found AS NotFound, t.timeout AS Timeout,
                   t.unavailable AS Unavailable, t.error AS Error, t.circuit_open AS CircuitOpen
              FROM batch_unit_tallies t JOIN batches b ON b.batch_id = t.batch_id
             WHERE t.batch_id = @BatchId AND b.owner_subject = @Owner
             ORDER BY t.position, t.unit_id;
            """,
            new { BatchId = batchId, Owner = owner },
            transaction,
            cancellationToken: cancellationToken));
        var row = await reader.ReadSingleOrDefaultAsync<BatchRow>();
        var tallies = await reader.ReadAsync<TallyRow>();
        if (row is null)
        {
            return null;
        }

        var batch = new Batch
        {
            BatchId = row.BatchId,
            State = row.State switch
            {
                "QUEUED" => BatchState.Queued,
                "RUNNING" => BatchState.Running,
                "COMPLETED" => BatchState.Completed,
                _ => BatchState.Cancelled,
            },
            CaseNumber = row.CaseNumber ?? string.Empty,
            RowsSubmitted = (int)row.RowsSubmitted,
            Total = (int)row.Total,
            Done = (int)row.Done,
            Failed = (int)row.Failed,
            CreatedAt = Timestamp.FromDateTimeOffset(ParseTime(row.CreatedAt)),
            UpdatedAt = Timestamp.FromDateTimeOffset(ParseTime(row.UpdatedAt)),
            FinishedAt = row.FinishedAt is null ? null : Timestamp.FromDateTimeOffset(ParseTime(row.FinishedAt)),
        };
        if (row.AssetKinds.Length > 0)
        {
            batch.AssetKinds.Add(row.AssetKinds.Split(','));
        }

        batch.Units.Add(tallies.Select(t => new BatchUnitTally
        {
            UnitId = t.UnitId,
            UnitName = t.UnitName,
            Ok = (int)t.Ok,
            NotFound = (int)t.NotFound,
            Timeout = (int)t.Timeout,
            Unavailable = (int)t.Unavailable,
            Error = (int)t.Error,
            CircuitOpen = (int)t.CircuitOpen,
        }));
        return batch;
    }

    private static BatchResult ToResult(ResultRow row)
    {
        var result = new BatchResult
        {
            Position = (int)row.Position,
            Name = row.Name,
            CaseNumber = row.CaseNumber,
            State = row.State switch
            {
                "ANSWERED" => BatchSubjectState.Answered,
                "DENIED" => BatchSubjectState.Denied,
                "CANCELLED" => BatchSubjectState.Cancelled,
                _ => BatchSubjectState.Pending,
            },
            Complete = row.Complete == 1,
            Detail = row.Detail ?? string.Empty,
            AnsweredAt = row.AnsweredAt is null ? null : Timestamp.FromDateTimeOffset(ParseTime(row.AnsweredAt)),
        };
        result.Rows.Add(row.RowIndexes.Split(',').Select(i => int.Parse(i, CultureInfo.InvariantCulture)));
        if (ParseKind(row.Kind) == IdentifierKind.IdNumber)
        {
            result.IdNumber = row.Masked;
        }
        else
        {
            result.CreditCode = row.Masked;
        }

        if (row.Answers is { Length: > 0 })
        {
            result.Units.Add(QueryAssetsResponse.Parser.ParseFrom(row.Answers).Units);
        }

        return result;
    }

    /// <summary>
    /// Clearing the identifier column frees its bytes. SQLite would leave them in the file's free space; with
    /// secure_delete it overwrites them (older page images can stay in the WAL until the next checkpoint wraps it).
    /// PostgreSQL has no such switch: an UPDATE leaves the old row version, identifier included, as a dead tuple until
    /// VACUUM (autovacuum) reclaims it and the space is reused, and in the WAL until it is recycled; its data files and
    /// WAL archives must be protected as the live rows are.
    /// </summary>
    private Task ForgetFreedBytesAsync(DbConnection connection) =>
        store.Engine == StoreEngine.Sqlite ? connection.ExecuteAsync("PRAGMA secure_delete = ON;") : Task.CompletedTask;

    private static string Text(DateTimeOffset value) => value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string value) => DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private static string KindText(IdentifierKind kind) => kind == IdentifierKind.IdNumber ? "ID_NUMBER" : "CREDIT_CODE";

    private static IdentifierKind ParseKind(string text) => text == "ID_NUMBER" ? IdentifierKind.IdNumber : IdentifierKind.CreditCode;

    // Dapper fills these by property name, converting: SQLite hands back INTEGER as long, PostgreSQL INTEGER as int.
    private sealed class BatchRow
    {
        public string BatchId { get; set; } = string.Empty;

        public string? CaseNumber { get; set; }

        public string AssetKinds { get; set; } = string.Empty;

        public string State { get; set; } = string.Empty;

        public long RowsSubmitted { get; set; }

        public long Total { get; set; }

        public long Done { get; set; }

        public long Failed { get; set; }

        public string CreatedAt { get; set; } = string.Empty;

        public string UpdatedAt { get; set; } = string.Empty;

        public string? FinishedAt { get; set; }
    }

    private sealed class TallyRow
    {
        public string UnitId { get; set; } = string.Empty;

        public string UnitName { get; set; } = string.Empty;

        public long Ok { get; set; }

        public long NotFound { get; set; }

        public long Timeout { get; set; }

        public long Unavailable { get; set; }

        public long Error { get; set; }

        public long CircuitOpen { get; set; }
    }

    /// <summary>A group's answers of one unit in one batch, added to its stored tally at once.</summary>
    private sealed class UnitTally(string unitName, int position)
    {
        public string UnitName { get; } = unitName;

        public int Position { get; } = position;

        public int Ok { get; private set; }

        public int NotFound { get; private set; }

        public int Timeout { get; private set; }

        public int Unavailable { get; private set; }

        public int Error { get; private set; }

        public int CircuitOpen { get; private set; }

        public void Count(UnitStatus status)
        {
            switch (status)
            {
                case UnitStatus.Ok:
                    Ok++;
                    break;
                case UnitStatus.NotFound:
                    NotFound++;
                    break;
                case UnitStatus.Timeout:
                    Timeout++;
                    break;
                case UnitStatus.Unavailable:
                    Unavailable++;
                    break;
                case UnitStatus.CircuitOpen:
                    CircuitOpen++;
                    break;
                default:
                    // Error, Denied, Unspecified: the unit did not give its answer.
                    Error++;
                    break;
            }
        }
    }

    private sealed class TallyKeyComparer : IComparer<(string BatchId, string UnitId)>
    {
        public static readonly TallyKeyComparer Instance = new();

        public int Compare((string BatchId, string UnitId) x, (string BatchId, string UnitId) y)
        {
            var byBatch = string.CompareOrdinal(x.BatchId, y.BatchId);
            return byBatch != 0 ? byBatch : string.CompareOrdinal(x.UnitId, y.UnitId);
        }
    }

    private sealed class ActiveBatchRow
    {
        public string BatchId { get; set; } = string.Empty;

        public string OwnerSubject { get; set; } = string.Empty;

        public string OwnerRoles { get; set; } = string.Empty;

        public string? OwnerCourt { get; set; }

        public string AssetKinds { get; set; } = string.Empty;

        public long Fresh { get; set; }

        public string State { get; set; } = string.Empty;
    }

    private sealed class WorkRow
    {
        public long Position { get; set; }

        public string CaseNumber { get; set; } = string.Empty;

        public string Kind { get; set; } = string.Empty;

        public string Identifier { get; set; } = string.Empty;

        public string Name { get; set; } = string.Empty;
    }

    private sealed class ResultRow
    {
        public long Position { get; set; }

        public string IdentifierHash { get; set; } = string.Empty;

        public string RowIndexes { get; set; } = string.Empty;

        public string CaseNumber { get; set; } = string.Empty;

        public string Kind { get; set; } = string.Empty;

        public string Masked { get; set; } = string.Empty;

        public string Name { get; set; } = string.Empty;

        public string State { get; set; } = string.Empty;

        public long? Complete { get; set; }

        public byte[]? Answers { get; set; }

        public string? Detail { get; set; }

        public string? AnsweredAt { get; set; }
    }
}
