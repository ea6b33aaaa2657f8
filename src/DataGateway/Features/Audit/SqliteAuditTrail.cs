using Dapper;
using DataGateway.Domain.Audit;
using DataGateway.Features.Privacy;
using DataGateway.Features.Store;

namespace DataGateway.Features.Audit;

/// <summary>
/// The audit trail in the gateway store. Appends are serialised in the process (one chain, one writer at a time) and,
/// across processes sharing the file, by SQLite's write lock, taken before the last hash is read.
/// </summary>
internal sealed partial class SqliteAuditTrail(
    GatewayStore store,
    KeyedHasher hasher,
    TimeProvider timeProvider,
    ILogger<SqliteAuditTrail> logger) : IAuditTrail, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<AuditRecord> AppendAsync(AccessRecord access, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(access);
        access.Validate();
        var subjectHash = access.SubjectIdentifier is { } identifier ? hasher.Hash(identifier) : null;

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var record = await WriteAsync(access, subjectHash);
            Log.Appended(logger, record.Sequence, record.Kind, record.RequestId, record.Outcome);
            return record;
        }
        catch (Exception ex)
        {
            // Whatever went wrong (disk full, file locked or read-only, table missing), the access was not recorded.
            Log.AppendFailed(logger, ex, access.Kind, access.RequestId);
            throw new AuditUnavailableException("The audit trail cannot be written.", ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    // Not cancellable: once the access is being recorded, stopping half-way would only leave it unrecorded.
    private async Task<AuditRecord> WriteAsync(AccessRecord access, string? subjectHash)
    {
        await using var connection = await store.OpenAsync(CancellationToken.None);
        // The store runs in WAL mode; FULL syncs the WAL on every commit, so a committed record survives a power cut.
        await connection.ExecuteAsync("PRAGMA synchronous = FULL;");
        // Microsoft.Data.Sqlite begins IMMEDIATE: the write lock is held from before the last hash is read.
        await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
        var last = await connection.QueryFirstOrDefaultAsync<LastLink>(new CommandDefinition(
            $"SELECT sequence AS Sequence, hash AS Hash FROM {AuditRow.Table} ORDER BY sequence DESC LIMIT 1",
            transaction: transaction));

        var unhashed = new AuditRecord
        {
            Sequence = (last?.Sequence ?? 0) + 1,
            RecordedAt = timeProvider.GetUtcNow(),
            Kind = access.Kind,
            RequestId = access.RequestId,
            ActorSubject = access.Actor.Subject,
            ActorRoles = access.Actor.Roles,
            ActorUnitId = access.Actor.UnitId,
            PurposeKind = access.PurposeKind,
            Purpose = access.Purpose,
            SubjectHash = subjectHash,
            UnitsAsked = [.. access.UnitsAsked],
            ItemsReturned = [.. access.ItemsReturned],
            Outcome = access.Outcome,
            Detail = access.Detail,
            FromCache = access.FromCache,
            PreviousHash = last?.Hash ?? AuditChain.GenesisHash,
            Hash = string.Empty,
        };
        var record = unhashed with { Hash = AuditChain.ComputeHash(unhashed.PreviousHash, unhashed) };

        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO {AuditRow.Table} (sequence, recorded_at, kind, request_id, actor_subject, actor_roles, actor_unit_id,
                purpose_kind, purpose, subject_hash, units_asked, items_returned, outcome, detail, from_cache, previous_hash, hash)
            VALUES (@Sequence, @RecordedAt, @Kind, @RequestId, @ActorSubject, @ActorRoles, @ActorUnitId,
                @PurposeKind, @Purpose, @SubjectHash, @UnitsAsked, @ItemsReturned, @Outcome, @Detail, @FromCache, @PreviousHash, @Hash)
            """,
            AuditRow.From(record),
            transaction));
        await transaction.CommitAsync(CancellationToken.None);
        return record;
    }

    private sealed record LastLink(long Sequence, string Hash);
}
