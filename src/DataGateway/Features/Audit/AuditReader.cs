using System.Text;
using Dapper;
using DataGateway.Domain.Audit;
using DataGateway.Features.Store;

namespace DataGateway.Features.Audit;

/// <summary>What an auditor searches by; null members do not filter. Every member given must match.</summary>
internal sealed record AuditFilter
{
    public string? SubjectHash { get; init; }

    public string? ActorSubject { get; init; }

    public string? CaseNumber { get; init; }

    /// <summary>Inclusive.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Exclusive.</summary>
    public DateTimeOffset? To { get; init; }

    public string? Kind { get; init; }
}

/// <summary>Reads the audit trail: searches for auditors, and the whole chain for verification.</summary>
internal sealed class AuditReader(GatewayStore store)
{
    /// <summary>
    /// Up to <paramref name="limit"/> rows matching <paramref name="filter"/>, newest first, older than
    /// <paramref name="beforeSequence"/> when given. Each filter has its own index ending with the sequence (SQLite: the
    /// row id every index ends with; PostgreSQL: named in the index), so "newest first" needs no sort.
    /// </summary>
    public async Task<IReadOnlyList<AuditRow>> SearchAsync(AuditFilter filter, long? beforeSequence, int limit, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder($"SELECT {AuditRow.SelectColumns} FROM {AuditRow.Table} WHERE 1 = 1");
        var parameters = new DynamicParameters();
        void Where(string condition, string name, object? value)
        {
            sql.Append(" AND ").Append(condition);
            parameters.Add(name, value);
        }

        if (filter.SubjectHash is { } subjectHash)
        {
            Where("subject_hash = @SubjectHash", "SubjectHash", subjectHash);
        }

        if (filter.ActorSubject is { } actor)
        {
            Where("actor_subject = @ActorSubject", "ActorSubject", actor);
        }

        if (filter.CaseNumber is { } caseNumber)
        {
            Where($"purpose = @CaseNumber AND purpose_kind = '{AuditPurposeKinds.Case}'", "CaseNumber", caseNumber);
        }

        // recorded_at is canonical UTC text with a fixed width, so text order is time order.
        if (filter.From is { } from)
        {
            Where("recorded_at >= @From", "From", AuditRecordEncoding.FormatTimestamp(from));
        }

        if (filter.To is { } to)
        {
            Where("recorded_at < @To", "To", AuditRecordEncoding.FormatTimestamp(to));
        }

        if (filter.Kind is { } kind)
        {
            Where("kind = @Kind", "Kind", kind);
        }

        if (beforeSequence is { } before)
        {
            Where("sequence < @Before", "Before", before);
        }

        sql.Append(" ORDER BY sequence DESC LIMIT @Limit");
        parameters.Add("Limit", limit);

        await using var connection = await store.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(sql.ToString(), parameters, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>
    /// Walks the whole chain, whichever replicas appended to it. One SELECT reads one snapshot on either engine, so
    /// groups committed meanwhile (by this replica or another) are either wholly seen or not at all.
    /// </summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        // Unbuffered: the chain is streamed, never held whole. The walk (AuditChain.Verify, shared with dgw audit verify)
        // takes an IEnumerable, so rows are read synchronously: on SQLite that blocks no longer than the "async" read
        // would (it has no asynchronous I/O); on PostgreSQL it holds one thread-pool thread for the walk, which is
        // bearable for an auditor's occasional request and keeps one verification code for the gateway and the CLI.
        var rows = connection.Query<AuditRow>($"SELECT {AuditRow.SelectColumns} FROM {AuditRow.Table} ORDER BY sequence", buffered: false);
        return AuditChain.Verify(rows);
    }
}
