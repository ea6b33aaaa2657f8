using System.Text;
using Dapper;
using DataGateway.Features.Store;

namespace DataGateway.Features.Sla;

/// <summary>Query outcomes of one unit (or of all units of a filter) summed over a period.</summary>
internal sealed record QueryFigures(long Asked, long Answered, long TimedOut, long Failed, long LatencySumMs, long LatencyMaxMs, long[] Buckets)
{
    public static QueryFigures Empty { get; } = new(0, 0, 0, 0, 0, 0, new long[LatencyBuckets.Count]);

    public QueryFigures Plus(QueryFigures other)
    {
        var buckets = new long[LatencyBuckets.Count];
        for (var i = 0; i < buckets.Length; i++)
        {
            buckets[i] = Buckets[i] + other.Buckets[i];
        }

        return new(Asked + other.Asked, Answered + other.Answered, TimedOut + other.TimedOut, Failed + other.Failed,
            LatencySumMs + other.LatencySumMs, Math.Max(LatencyMaxMs, other.LatencyMaxMs), buckets);
    }
}

/// <summary>
/// The SLA's own table: query outcomes per unit and minute (sla_unit_minutes), added to by every replica: a flush adds
/// its counts to the row (the larger maximum latency wins), so two replicas flushing the same unit-minute sum up rather
/// than overwrite each other. Minutes are unix milliseconds of the minute's start, so periods and days are integer
/// arithmetic in any SQL engine. Matter figures are read from the matters table by <see cref="Matters.IMatterStore"/>.
/// </summary>
internal sealed class SlaStore(GatewayStore store)
{
    public const string Module = "sla";

    private const long MinuteMs = 60_000;
    private const long DayMs = 86_400_000;
    private const long DistrictOffsetMs = 8 * 3_600_000;

    private static readonly string BucketColumns = string.Join(", ", Enumerable.Range(0, LatencyBuckets.Count).Select(i => $"lat_b{i}"));

    /// <summary>Append, never edit one that has shipped; every version has its twin in <see cref="PostgresMigrations"/>.</summary>
    public static readonly string[] SqliteMigrations =
    [
        $"""
        CREATE TABLE sla_unit_minutes (
            unit_id        TEXT    NOT NULL,
            minute_ms      INTEGER NOT NULL,
            asked          INTEGER NOT NULL,
            answered       INTEGER NOT NULL,
            timed_out      INTEGER NOT NULL,
            failed         INTEGER NOT NULL,
            latency_sum_ms INTEGER NOT NULL,
            latency_max_ms INTEGER NOT NULL,
            {string.Join(",\n    ", Enumerable.Range(0, LatencyBuckets.Count).Select(i => $"lat_b{i} INTEGER NOT NULL"))},
            PRIMARY KEY (unit_id, minute_ms));
        CREATE INDEX ix_sla_unit_minutes_minute ON sla_unit_minutes (minute_ms);
        """,
    ];

    /// <summary>The same versions as <see cref="SqliteMigrations"/>, with BIGINT times and counters (the parameters are longs).</summary>
    public static readonly string[] PostgresMigrations =
    [
        $"""
        CREATE TABLE sla_unit_minutes (
            unit_id        TEXT   NOT NULL,
            minute_ms      BIGINT NOT NULL,
            asked          BIGINT NOT NULL,
            answered       BIGINT NOT NULL,
            timed_out      BIGINT NOT NULL,
            failed         BIGINT NOT NULL,
            latency_sum_ms BIGINT NOT NULL,
            latency_max_ms BIGINT NOT NULL,
            {string.Join(",\n    ", Enumerable.Range(0, LatencyBuckets.Count).Select(i => $"lat_b{i} BIGINT NOT NULL"))},
            PRIMARY KEY (unit_id, minute_ms));
        CREATE INDEX ix_sla_unit_minutes_minute ON sla_unit_minutes (minute_ms);
        """,
    ];

    private static readonly string UpsertSql = BuildUpsert();

    public static long MinuteOf(DateTimeOffset at) => at.ToUnixTimeMilliseconds() / MinuteMs * MinuteMs;

    /// <summary>The China Standard Time day number (days since 1970-01-01 CST) of a unix-ms instant, as the SQL computes it.</summary>
    public static long DayNumberOf(long unixMs) => (unixMs + DistrictOffsetMs) / DayMs;

    public static DateOnly DateOfDayNumber(long dayNumber) => DateOnly.FromDayNumber(DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber + (int)dayNumber);

    /// <summary>Adds a batch of counters to the stored totals, in one transaction.</summary>
    public async Task AddOutcomesAsync(IReadOnlyDictionary<OutcomeKey, OutcomeCounts> batch, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Rows in one order on every replica: two flushes touching the same unit-minutes then queue behind each other's
        // row locks instead of deadlocking (PostgreSQL would abort one of them).
        foreach (var (key, counts) in batch.OrderBy(e => e.Key.UnitId, StringComparer.Ordinal).ThenBy(e => e.Key.MinuteMs))
        {
            var parameters = new DynamicParameters();
            parameters.Add("UnitId", key.UnitId);
            parameters.Add("MinuteMs", key.MinuteMs);
            parameters.Add("Asked", counts.Asked);
            parameters.Add("Answered", counts.Answered);
            parameters.Add("TimedOut", counts.TimedOut);
            parameters.Add("Failed", counts.Failed);
            parameters.Add("LatencySumMs", counts.LatencySumMs);
            parameters.Add("LatencyMaxMs", counts.LatencyMaxMs);
            for (var i = 0; i < LatencyBuckets.Count; i++)
            {
                parameters.Add($"B{i}", counts.Buckets[i]);
            }

            await connection.ExecuteAsync(new CommandDefinition(UpsertSql, parameters, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Deletes the minutes before <paramref name="beforeMs"/>; returns how many rows went.</summary>
    public async Task<int> PruneAsync(long beforeMs, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM sla_unit_minutes WHERE minute_ms < @BeforeMs", new { BeforeMs = beforeMs }, cancellationToken: cancellationToken));
    }

    /// <summary>Per unit, the outcomes of queries in [fromMs, toMs); <paramref name="unitIds"/> null for every unit.</summary>
    public async Task<Dictionary<string, QueryFigures>> QueryFiguresAsync(long fromMs, long toMs, IReadOnlyCollection<string>? unitIds, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters(new { FromMs = fromMs, ToMs = toMs });
        var filter = unitIds is null ? string.Empty : "AND unit_id IN " + GatewayStore.InList(parameters, "UnitId", unitIds);
        var sql = $"""
            SELECT unit_id AS "UnitId", {SumColumns}
            FROM sla_unit_minutes
            WHERE minute_ms >= @FromMs AND minute_ms < @ToMs {filter}
            GROUP BY unit_id
            """;
        await using var connection = await store.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        var figures = new Dictionary<string, QueryFigures>(StringComparer.Ordinal);
        foreach (IDictionary<string, object?> row in rows)
        {
            figures[(string)row["UnitId"]!] = ToFigures(row);
        }

        return figures;
    }

    /// <summary>One unit's outcomes per China Standard Time day (day number) in [fromMs, toMs).</summary>
    public async Task<Dictionary<long, QueryFigures>> DailyQueryFiguresAsync(string unitId, long fromMs, long toMs, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT (minute_ms + {DistrictOffsetMs}) / {DayMs} AS "DayNumber", {SumColumns}
            FROM sla_unit_minutes
            WHERE unit_id = @UnitId AND minute_ms >= @FromMs AND minute_ms < @ToMs
            GROUP BY (minute_ms + {DistrictOffsetMs}) / {DayMs}
            """;
        await using var connection = await store.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync(new CommandDefinition(sql, new { UnitId = unitId, FromMs = fromMs, ToMs = toMs }, cancellationToken: cancellationToken));
        var figures = new Dictionary<long, QueryFigures>();
        foreach (IDictionary<string, object?> row in rows)
        {
            figures[Convert.ToInt64(row["DayNumber"], System.Globalization.CultureInfo.InvariantCulture)] = ToFigures(row);
        }

        return figures;
    }

    // Aliases are quoted because the rows are read by name and PostgreSQL folds unquoted ones to lower case. SUM of a
    // BIGINT is numeric there and bigint in SQLite: ToFigures converts either.
    private static readonly string SumColumns =
        """SUM(asked) AS "Asked", SUM(answered) AS "Answered", SUM(timed_out) AS "TimedOut", SUM(failed) AS "Failed", """
        + """SUM(latency_sum_ms) AS "LatencySumMs", MAX(latency_max_ms) AS "LatencyMaxMs", """
        + string.Join(", ", Enumerable.Range(0, LatencyBuckets.Count).Select(i => $"SUM(lat_b{i}) AS \"B{i}\""));

    private static QueryFigures ToFigures(IDictionary<string, object?> row)
    {
        static long Long(object? value) => value is null or DBNull ? 0 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
        var buckets = new long[LatencyBuckets.Count];
        for (var i = 0; i < buckets.Length; i++)
        {
            buckets[i] = Long(row[$"B{i}"]);
        }

        return new QueryFigures(Long(row["Asked"]), Long(row["Answered"]), Long(row["TimedOut"]), Long(row["Failed"]),
            Long(row["LatencySumMs"]), Long(row["LatencyMaxMs"]), buckets);
    }

    // INSERT ... ON CONFLICT DO UPDATE is standard in SQLite (3.24+) and PostgreSQL alike; the larger-of-two is a CASE
    // because SQLite's two-argument MAX() is PostgreSQL's GREATEST().
    private static string BuildUpsert()
    {
        var sql = new StringBuilder();
        sql.Append("INSERT INTO sla_unit_minutes (unit_id, minute_ms, asked, answered, timed_out, failed, latency_sum_ms, latency_max_ms, ")
            .Append(BucketColumns)
            .Append(") VALUES (@UnitId, @MinuteMs, @Asked, @Answered, @TimedOut, @Failed, @LatencySumMs, @LatencyMaxMs, ")
            .Append(string.Join(", ", Enumerable.Range(0, LatencyBuckets.Count).Select(i => $"@B{i}")))
            .Append(") ON CONFLICT (unit_id, minute_ms) DO UPDATE SET ")
            .Append("asked = sla_unit_minutes.asked + excluded.asked, answered = sla_unit_minutes.answered + excluded.answered, ")
            .Append("timed_out = sla_unit_minutes.timed_out + excluded.timed_out, failed = sla_unit_minutes.failed + excluded.failed, ")
            .Append("latency_sum_ms = sla_unit_minutes.latency_sum_ms + excluded.latency_sum_ms, ")
            .Append("latency_max_ms = CASE WHEN excluded.latency_max_ms > sla_unit_minutes.latency_max_ms THEN excluded.latency_max_ms ELSE sla_unit_minutes.latency_max_ms END");
        for (var i = 0; i < LatencyBuckets.Count; i++)
        {
            sql.Append($", lat_b{i} = sla_unit_minutes.lat_b{i} + excluded.lat_b{i}");
        }

        return sql.ToString();
    }
}
