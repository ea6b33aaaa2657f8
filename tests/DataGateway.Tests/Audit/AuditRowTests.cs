using DataGateway.Domain.Audit;

namespace DataGateway.Tests.Audit;

public sealed class AuditRowTests
{
    [Fact]
    public void From_ThenTryToRecord_GivesTheSameRecord()
    {
        var record = AuditTrails.Chain(2)[1];

        Assert.True(AuditRow.From(record).TryToRecord(out var read, out var error), error);
        // The hash covers every other field, so equal hashes mean equal content.
        Assert.Equal(record.Hash, AuditChain.ComputeHash(read.PreviousHash, read));
        Assert.Equal(record.Hash, read.Hash);
        Assert.Equal(record.PreviousHash, read.PreviousHash);
        Assert.Equal(record.UnitsAsked, read.UnitsAsked);
        Assert.Equal(record.RecordedAt, read.RecordedAt);
    }

    [Fact]
    public void From_RecordedAt_IsCanonicalUtcText()
    {
        var row = AuditRow.From(AuditTrails.Sample(1) with { RecordedAt = new DateTimeOffset(2025, 6, 1, 17, 0, 0, TimeSpan.FromHours(8)).AddTicks(5) });

        Assert.Equal("2025-06-01T09:00:00.0000005Z", row.RecordedAt);
    }

    [Theory]
    [InlineData("RecordedAt", "2025-06-01T09:00:01.1234567+00:00", "recorded_at")]
    [InlineData("RecordedAt", "2025-06-01 09:00:01.1234567Z", "recorded_at")]
    [InlineData("UnitsAsked", "[\"realestate-registry\", \"bank-sxrcb\"]", "units_asked")]
    [InlineData("UnitsAsked", "[\"realestate-registry\",\"bank-sxrcb\"", "units_asked")]
    [InlineData("ItemsReturned", "[\"ENF-RE-UNITS\",null]", "items_returned")]
    [InlineData("ItemsReturned", "null", "items_returned")]
    public void TryToRecord_ColumnNotInCanonicalForm_IsRefusedNamingIt(string column, string stored, string named)
    {
        var row = AuditRow.From(AuditTrails.Chain(1)[0]);
        row = column switch
        {
            "RecordedAt" => row with { RecordedAt = stored },
            "UnitsAsked" => row with { UnitsAsked = stored },
            _ => row with { ItemsReturned = stored },
        };

        Assert.False(row.TryToRecord(out _, out var error));
        Assert.StartsWith(named, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_RowThatCannotBeRead_BreaksAtItAsUnreadable()
    {
        var rows = AuditTrails.Chain(4).Select(AuditRow.From).ToList();
        rows[1] = rows[1] with { FromCache = 2 };

        var result = AuditChain.Verify(rows);

        Assert.Equal(2, result.FirstBreak!.Sequence);
        Assert.Equal(AuditBreakKind.Unreadable, result.FirstBreak.Kind);
        Assert.Contains("from_cache", result.FirstBreak.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_IntactRows_IsIntact()
    {
        var result = AuditChain.Verify(AuditTrails.Chain(4).Select(AuditRow.From));

        Assert.True(result.IsIntact);
        Assert.Equal(4, result.RecordsChecked);
    }
}
