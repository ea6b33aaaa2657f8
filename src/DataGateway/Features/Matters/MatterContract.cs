using DataGateway.Contracts.V1;
using DataGateway.Domain.Catalog;
using Google.Protobuf.WellKnownTypes;

namespace DataGateway.Features.Matters;

/// <summary>Matters as contract messages. The subject's identifier is always the masked form: the full one is never read back.</summary>
internal static class MatterContract
{
    public static Matter ToContract(MatterRecord record, UnitCatalog catalog, DateTimeOffset now)
    {
        var matter = new Matter
        {
            MatterId = record.MatterId,
            CaseNumber = record.CaseNumber,
            Action = MatterValidator.ActionOf(record.Action),
            UnitId = record.UnitId,
            UnitName = catalog.TryGetUnit(record.UnitId, out var unit) ? unit.Name : string.Empty,
            UnitKind = record.UnitKind,
            Subject = SubjectOf(record),
            AssetReference = record.AssetReference,
            AmountYuan = record.AmountYuan ?? string.Empty,
            TermMonths = record.TermMonths,
            Document = new MatterDocument { RulingNumber = record.RulingNumber ?? string.Empty, NoticeNumber = record.NoticeNumber },
            State = MatterLifecycle.StateAt(record, now),
            FiledBy = record.FiledBy,
            FiledAt = TimestampOf(record.FiledAtMs),
            Deadline = TimestampOf(record.DeadlineMs),
            DeadlineWorkingDays = record.DeadlineWorkingDays,
            DeliveryAttempts = record.Attempts,
            LastDeliveryError = record.DeliveredAtMs is null ? record.LastError ?? string.Empty : string.Empty,
        };
        if (record.DeliveredAtMs is { } delivered)
        {
            matter.DeliveredAt = TimestampOf(delivered);
        }

        if (record.AnsweredAtMs is { } answered)
        {
            matter.Feedback = new MatterFeedback
            {
                Outcome = MatterLifecycle.OutcomeOf(record.Outcome),
                Reason = record.Reason ?? string.Empty,
                ExecutedAmountYuan = record.ExecutedAmountYuan ?? string.Empty,
                ReceiptNumber = record.ReceiptNumber ?? string.Empty,
                AnsweredAt = TimestampOf(answered),
                Late = answered >= record.DeadlineMs,
            };
        }

        return matter;
    }

    public static Timestamp TimestampOf(long unixMs) => Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(unixMs));

    private static Subject SubjectOf(MatterRecord record)
    {
        var subject = new Subject { Name = record.SubjectName };
        if (record.SubjectKind == SubjectKinds.Organisation)
        {
            subject.CreditCode = record.SubjectMasked;
        }
        else
        {
            subject.IdNumber = record.SubjectMasked;
        }

        return subject;
    }
}

/// <summary>What a matter's subject is, as stored.</summary>
internal static class SubjectKinds
{
    public const string Person = "person";

    public const string Organisation = "organisation";
}
