using DataGateway.Domain.Audit;

namespace DataGateway.Tests.Audit;

/// <summary>Chains built the way the gateway builds them, for tests of verification.</summary>
internal static class AuditTrails
{
    public static readonly DateTimeOffset Start = new(2025, 6, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A record with every field set (nulls only where the field allows them), not yet chained.</summary>
    public static AuditRecord Sample(long sequence) => new()
    {
        Sequence = sequence,
        RecordedAt = Start.AddSeconds(sequence).AddTicks(1234567),
        Kind = AuditKinds.AssetQuery,
        RequestId = $"query-{sequence}",
        ActorSubject = "judge-wang",
        ActorRoles = "judge",
        ActorUnitId = sequence % 2 == 1 ? "bank-sxrcb" : null,
        PurposeKind = AuditPurposeKinds.Case,
        Purpose = "(2024)浙0604执1234号",
        SubjectHash = $"{sequence:x32}",
        UnitsAsked = ["realestate-registry", "bank-sxrcb"],
        ItemsReturned = ["ENF-RE-UNITS"],
        Outcome = AuditOutcomes.Answered,
        Detail = "2 units asked",
        FromCache = false,
        PreviousHash = string.Empty,
        Hash = string.Empty,
    };

    /// <summary>Records #1 to #<paramref name="count"/>, each linked to the one before and hashed.</summary>
    public static List<AuditRecord> Chain(int count)
    {
        var records = new List<AuditRecord>(count);
        var previous = AuditChain.GenesisHash;
        for (var sequence = 1; sequence <= count; sequence++)
        {
            var record = Link(Sample(sequence), previous);
            records.Add(record);
            previous = record.Hash;
        }

        return records;
    }

    /// <summary>What a writer that knows the chain would store: <paramref name="record"/> linked and hashed.</summary>
    public static AuditRecord Link(AuditRecord record, string previousHash) =>
        record with { PreviousHash = previousHash, Hash = AuditChain.ComputeHash(previousHash, record) };
}
