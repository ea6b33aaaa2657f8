using System.Security.Cryptography;

namespace DataGateway.Domain.Audit;

/// <summary>
/// The audit trail's hash chain: how a record's hash is computed and how a stored trail is checked. Shared by the
/// gateway, which appends, and <c>dgw audit verify</c>, which reads the store directly.
/// </summary>
/// <remarks>
/// The chain shows that stored records were changed, removed from the middle or reordered. It cannot show that the
/// newest records were cut off the end: an auditor who notes <see cref="AuditVerification.LastSequence"/> and
/// <see cref="AuditVerification.LastHash"/> and finds them different later has seen exactly that.
/// </remarks>
public static class AuditChain
{
    /// <summary>The previous hash of the first record: 64 zeros.</summary>
    public static readonly string GenesisHash = new('0', 64);

    /// <summary>SHA-256, lower-case hex, of <see cref="AuditRecordEncoding.Encode"/>.</summary>
    public static string ComputeHash(string previousHash, AuditRecord record) =>
        Convert.ToHexStringLower(SHA256.HashData(AuditRecordEncoding.Encode(previousHash, record)));

    /// <summary>Walks records in sequence order and stops at the first that breaks the chain.</summary>
    public static AuditVerification Verify(IEnumerable<AuditRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        return Verify(records.Select(r => (r.Sequence, (AuditRecord?)r, (string?)null)));
    }

    /// <summary>
    /// Walks stored rows in sequence order. A row whose columns are not in their canonical form (a timestamp or list
    /// that does not parse, or parses but would be stored differently) breaks the chain too: its bytes were changed.
    /// </summary>
    public static AuditVerification Verify(IEnumerable<AuditRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return Verify(rows.Select(row => row.TryToRecord(out var record, out var error)
            ? (row.Sequence, record, (string?)null)
            : (row.Sequence, (AuditRecord?)null, error)));
    }

    private static AuditVerification Verify(IEnumerable<(long Sequence, AuditRecord? Record, string? Error)> entries)
    {
        long checkedCount = 0;
        var previousHash = GenesisHash;
        foreach (var (sequence, record, error) in entries)
        {
            var expected = checkedCount + 1;
            AuditBreak? broken = null;
            if (sequence > expected)
            {
                broken = new AuditBreak(expected, AuditBreakKind.SequenceGap,
                    expected == sequence - 1
                        ? $"record #{expected} is missing (the next stored record is #{sequence})"
                        : $"records #{expected} to #{sequence - 1} are missing (the next stored record is #{sequence})");
            }
            else if (sequence < expected)
            {
                broken = new AuditBreak(sequence, AuditBreakKind.SequenceGap,
                    $"record #{sequence} appears again after record #{expected - 1} (out of order or duplicated)");
            }
            else if (record is null)
            {
                broken = new AuditBreak(sequence, AuditBreakKind.Unreadable, $"the stored record cannot be read: {error}");
            }
            else if (!string.Equals(record.PreviousHash, previousHash, StringComparison.Ordinal))
            {
                broken = new AuditBreak(sequence, AuditBreakKind.PreviousHashMismatch, expected == 1
                    ? "previous hash is not the genesis hash (records before it were removed, or it was changed)"
                    : $"previous hash does not match record #{expected - 1}'s hash (a record was removed or inserted, or it was changed)");
            }
            else if (!string.Equals(ComputeHash(previousHash, record), record.Hash, StringComparison.Ordinal))
            {
                broken = new AuditBreak(sequence, AuditBreakKind.HashMismatch,
                    "hash does not match the record's content (the record was changed after it was written)");
            }

            if (broken is not null)
            {
                return new AuditVerification { RecordsChecked = checkedCount, LastSequence = checkedCount, LastHash = previousHash, FirstBreak = broken };
            }

            checkedCount++;
            previousHash = record!.Hash;
        }

        return new AuditVerification { RecordsChecked = checkedCount, LastSequence = checkedCount, LastHash = previousHash };
    }
}

/// <summary>What <see cref="AuditChain.Verify(IEnumerable{AuditRecord})"/> found.</summary>
public sealed record AuditVerification
{
    /// <summary>How many records, from #1 on, were found intact (all of them when the chain is intact).</summary>
    public required long RecordsChecked { get; init; }

    /// <summary>The sequence of the last intact record (0 when there is none).</summary>
    public required long LastSequence { get; init; }

    /// <summary>The hash of the last intact record (<see cref="AuditChain.GenesisHash"/> when there is none).</summary>
    public required string LastHash { get; init; }

    /// <summary>The first record that breaks the chain; null when the chain is intact.</summary>
    public AuditBreak? FirstBreak { get; init; }

    /// <summary>Whether every record was found intact.</summary>
    public bool IsIntact => FirstBreak is null;
}

/// <summary>The first record that breaks the chain, and why.</summary>
/// <param name="Sequence">The record's sequence (for a gap, the first missing one).</param>
/// <param name="Kind">What is wrong.</param>
/// <param name="Reason">What is wrong, for people.</param>
public sealed record AuditBreak(long Sequence, AuditBreakKind Kind, string Reason);

/// <summary>How a record breaks the chain.</summary>
public enum AuditBreakKind
{
    /// <summary>Its content no longer matches its hash: it was changed.</summary>
    HashMismatch = 1,

    /// <summary>It does not point at the hash of the record before it: something before it was removed, inserted or changed.</summary>
    PreviousHashMismatch = 2,

    /// <summary>A sequence number is missing, repeated or out of order.</summary>
    SequenceGap = 3,

    /// <summary>A stored column is not in its canonical form (a changed byte that no longer parses).</summary>
    Unreadable = 4,
}
