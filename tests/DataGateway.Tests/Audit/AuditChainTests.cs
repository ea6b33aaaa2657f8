using DataGateway.Domain.Audit;

namespace DataGateway.Tests.Audit;

public sealed class AuditChainTests
{
    public static TheoryData<string> ContentFields =>
    [
        "RecordedAt", "Kind", "RequestId", "ActorSubject", "ActorRoles", "ActorUnitId", "PurposeKind", "Purpose",
        "SubjectHash", "UnitsAsked", "ItemsReturned", "Outcome", "Detail", "FromCache", "Hash",
    ];

    [Fact]
    public void Verify_IntactChain_ChecksEveryRecordAndEndsAtTheLastHash()
    {
        var chain = AuditTrails.Chain(5);

        var result = AuditChain.Verify(chain);

        Assert.True(result.IsIntact);
        Assert.Equal(5, result.RecordsChecked);
        Assert.Equal(5, result.LastSequence);
        Assert.Equal(chain[^1].Hash, result.LastHash);
    }

    [Fact]
    public void Verify_EmptyTrail_IsIntactAtTheGenesisHash()
    {
        var result = AuditChain.Verify(Array.Empty<AuditRecord>());

        Assert.True(result.IsIntact);
        Assert.Equal(0, result.RecordsChecked);
        Assert.Equal(new string('0', 64), result.LastHash);
    }

    [Fact]
    public void ComputeHash_KnownRecord_MatchesTheDocumentedEncoding()
    {
        // Computed outside .NET from the layout documented on AuditRecordEncoding, so a verifier written from the
        // documentation agrees with the gateway, and a change of layout cannot slip in unnoticed.
        var record = new AuditRecord
        {
            Sequence = 1,
            RecordedAt = new DateTimeOffset(2025, 6, 1, 17, 0, 0, TimeSpan.FromHours(8)),
            Kind = "asset-query",
            RequestId = "q-1",
            ActorSubject = "judge-wang",
            ActorRoles = "judge",
            PurposeKind = "case",
            Purpose = "(2024)浙0604执1234号",
            SubjectHash = "00112233445566778899aabbccddeeff",
            UnitsAsked = ["realestate-registry", "bank-sxrcb"],
            ItemsReturned = ["ENF-RE-UNITS"],
            Outcome = "answered",
            PreviousHash = AuditChain.GenesisHash,
            Hash = string.Empty,
        };

        Assert.Equal("4c96003a18ab3df8de62ec68c10980cac25eb8f16abab1b79f8c6b7fd7f917be", AuditChain.ComputeHash(AuditChain.GenesisHash, record));
    }

    [Theory]
    [MemberData(nameof(ContentFields))]
    public void Verify_OneFieldOfARecordChanged_BreaksAtThatRecord(string field)
    {
        var chain = AuditTrails.Chain(5);
        chain[2] = Change(chain[2], field);

        var result = AuditChain.Verify(chain);

        Assert.False(result.IsIntact);
        Assert.Equal(3, result.FirstBreak!.Sequence);
        Assert.Equal(AuditBreakKind.HashMismatch, result.FirstBreak.Kind);
        Assert.Equal(2, result.RecordsChecked);
        Assert.Equal(chain[1].Hash, result.LastHash);
    }

    [Fact]
    public void Verify_PreviousHashChanged_BreaksAtThatRecord()
    {
        var chain = AuditTrails.Chain(5);
        chain[2] = chain[2] with { PreviousHash = Flip(chain[2].PreviousHash) };

        var result = AuditChain.Verify(chain);

        Assert.Equal(3, result.FirstBreak!.Sequence);
        Assert.Equal(AuditBreakKind.PreviousHashMismatch, result.FirstBreak.Kind);
    }

    [Fact]
    public void Verify_FirstRecordNotLinkedToGenesis_BreaksAtOne()
    {
        var chain = AuditTrails.Chain(3).Skip(1).Select(r => r with { Sequence = r.Sequence - 1 }).ToList();

        var result = AuditChain.Verify(chain);

        Assert.Equal(1, result.FirstBreak!.Sequence);
        Assert.Equal(AuditBreakKind.PreviousHashMismatch, result.FirstBreak.Kind);
    }

    [Fact]
    public void Verify_RecordChangedAndRehashed_BreaksAtTheNextRecord()
    {
        // Someone who changes a record and recomputes its hash still cannot make the next record point at it.
        var chain = AuditTrails.Chain(5);
        chain[2] = AuditTrails.Link(chain[2] with { ActorSubject = "someone-else" }, chain[2].PreviousHash);

        var result = AuditChain.Verify(chain);

        Assert.Equal(4, result.FirstBreak!.Sequence);
        Assert.Equal(AuditBreakKind.PreviousHashMismatch, result.FirstBreak.Kind);
    }

    [Fact]
    public void Verify_RecordRemoved_NamesTheMissingSequence()
    {
        var chain = AuditTrails.Chain(5);
        chain.RemoveAt(2);

        var result = AuditChain.Verify(chain);

        Assert.Equal(3, result.FirstBreak!.Sequence);
        Assert.Equal(AuditBreakKind.SequenceGap, result.FirstBreak.Kind);
        Assert.Equal("record #3 is missing (the next stored record is #4)", result.FirstBreak.Reason);
    }

    [Fact]
    public void Verify_RecordsRemovedAndRenumbered_BreaksWhereTheyWere()
    {
        var chain = AuditTrails.Chain(5);
        chain.RemoveAt(2);
        for (var i = 2; i < chain.Count; i++)
        {
            chain[i] = chain[i] with { Sequence = i + 1 };
        }

        var result = AuditChain.Verify(chain);

        Assert.Equal(3, result.FirstBreak!.Sequence);
    }

    [Fact]
    public void Verify_ContentsOfTwoRecordsSwapped_BreaksAtTheFirstOfThem()
    {
        // Sequence numbers left in place, contents swapped: the order of events was rewritten.
        var chain = AuditTrails.Chain(5);
        (chain[1], chain[3]) = (chain[3] with { Sequence = 2 }, chain[1] with { Sequence = 4 });

        var result = AuditChain.Verify(chain);

        Assert.Equal(2, result.FirstBreak!.Sequence);
        Assert.Equal(AuditBreakKind.PreviousHashMismatch, result.FirstBreak.Kind);
    }

    [Fact]
    public void Verify_RecordsOutOfOrder_NamesTheFirstOutOfPlace()
    {
        var chain = AuditTrails.Chain(5);
        (chain[1], chain[2]) = (chain[2], chain[1]);

        var result = AuditChain.Verify(chain);

        Assert.Equal(2, result.FirstBreak!.Sequence);
        Assert.Equal(AuditBreakKind.SequenceGap, result.FirstBreak.Kind);
    }

    [Fact]
    public void Verify_RecordDuplicated_NamesIt()
    {
        var chain = AuditTrails.Chain(3);
        chain.Insert(2, chain[1]);

        var result = AuditChain.Verify(chain);

        Assert.Equal(2, result.FirstBreak!.Sequence);
        Assert.Equal(AuditBreakKind.SequenceGap, result.FirstBreak.Kind);
        Assert.Equal(2, result.RecordsChecked);
    }

    [Fact]
    public void ComputeHash_BoundariesBetweenFieldsMoved_Differs()
    {
        // Length prefixes: moving characters from one field to the next, or splitting a list item, is a different record.
        var record = AuditTrails.Sample(1);
        var genesis = AuditChain.GenesisHash;
        var hash = AuditChain.ComputeHash(genesis, record with { ActorSubject = "judge-wang", ActorRoles = "judge" });

        Assert.NotEqual(hash, AuditChain.ComputeHash(genesis, record with { ActorSubject = "judge-wangj", ActorRoles = "udge" }));
        Assert.NotEqual(
            AuditChain.ComputeHash(genesis, record with { UnitsAsked = ["a,b"] }),
            AuditChain.ComputeHash(genesis, record with { UnitsAsked = ["a", "b"] }));
        Assert.NotEqual(
            AuditChain.ComputeHash(genesis, record with { UnitsAsked = ["a"], ItemsReturned = [] }),
            AuditChain.ComputeHash(genesis, record with { UnitsAsked = [], ItemsReturned = ["a"] }));
        Assert.NotEqual(
            AuditChain.ComputeHash(genesis, record with { Detail = null }),
            AuditChain.ComputeHash(genesis, record with { Detail = string.Empty }));
    }

    [Fact]
    public void ComputeHash_SameInstantInAnotherOffset_IsTheSame()
    {
        var record = AuditTrails.Sample(1);

        Assert.Equal(
            AuditChain.ComputeHash(AuditChain.GenesisHash, record),
            AuditChain.ComputeHash(AuditChain.GenesisHash, record with { RecordedAt = record.RecordedAt.ToOffset(TimeSpan.FromHours(8)) }));
    }

    private static AuditRecord Change(AuditRecord record, string field) => field switch
    {
        "RecordedAt" => record with { RecordedAt = record.RecordedAt.AddTicks(1) },
        "Kind" => record with { Kind = AuditKinds.BatchRow },
        "RequestId" => record with { RequestId = Flip(record.RequestId) },
        "ActorSubject" => record with { ActorSubject = Flip(record.ActorSubject) },
        "ActorRoles" => record with { ActorRoles = "auditor,judge" },
        "ActorUnitId" => record with { ActorUnitId = "bank-icbc" },
        "PurposeKind" => record with { PurposeKind = AuditPurposeKinds.NotarialFile },
        "Purpose" => record with { Purpose = "(2024)浙0604执1235号" },
        "SubjectHash" => record with { SubjectHash = Flip(record.SubjectHash!) },
        "UnitsAsked" => record with { UnitsAsked = ["realestate-registry"] },
        "ItemsReturned" => record with { ItemsReturned = [] },
        "Outcome" => record with { Outcome = AuditOutcomes.Denied },
        "Detail" => record with { Detail = null },
        "FromCache" => record with { FromCache = !record.FromCache },
        "Hash" => record with { Hash = Flip(record.Hash) },
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
    };

    /// <summary>The same text with its last character changed.</summary>
    private static string Flip(string text) => string.Concat(text.AsSpan(0, text.Length - 1), text[^1] == '0' ? "1" : "0");
}
