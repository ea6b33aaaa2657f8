using DataGateway.Contracts.V1;

namespace DataGateway.Features.Matters;

/// <summary>
/// A matter as the store keeps it. Times are unix milliseconds (UTC). The subject's full identifier is kept only while
/// the matter waits for delivery — the unit needs it to find the asset, and a re-delivery after a restart needs it too —
/// and is erased once the unit has the matter or the deadline has passed; the hash and the masked form stay.
/// </summary>
public sealed record MatterRecord
{
    public required string MatterId { get; init; }

    public required string CaseNumber { get; init; }

    /// <summary>One of <see cref="Domain.Catalog.ControlActions"/>.</summary>
    public required string Action { get; init; }

    public required string UnitId { get; init; }

    public required string UnitKind { get; init; }

    /// <summary>"person" or "organisation".</summary>
    public required string SubjectKind { get; init; }

    public required string SubjectMasked { get; init; }

    public required string SubjectName { get; init; }

    /// <summary>Keyed hash of the identifier (as the case registry and the audit trail keep it).</summary>
    public required string SubjectHash { get; init; }

    /// <summary>The full identifier, until delivered (see the type's remarks); null afterwards.</summary>
    public string? SubjectIdentifier { get; init; }

    public string AssetReference { get; init; } = string.Empty;

    /// <summary>Two decimal places, or null.</summary>
    public string? AmountYuan { get; init; }

    public int TermMonths { get; init; }

    public string? RulingNumber { get; init; }

    public required string NoticeNumber { get; init; }

    /// <summary>The filing judge's <c>sub</c>.</summary>
    public required string FiledBy { get; init; }

    /// <summary>Keyed hash of <see cref="FiledBy"/>, as the unit sees it.</summary>
    public required string RequesterHash { get; init; }

    public required long FiledAtMs { get; init; }

    public required long DeadlineMs { get; init; }

    public required int DeadlineWorkingDays { get; init; }

    /// <summary>One of <see cref="MatterLifecycle"/>'s stored states.</summary>
    public required string State { get; init; }

    public long? DeliveredAtMs { get; init; }

    public string? AcceptanceNumber { get; init; }

    public int Attempts { get; init; }

    public long? NextAttemptMs { get; init; }

    public string? LastError { get; init; }

    public string? LeaseOwner { get; init; }

    public long? LeaseUntilMs { get; init; }

    /// <summary>"completed", "partially-completed" or "rejected"; null until answered.</summary>
    public string? Outcome { get; init; }

    public string? Reason { get; init; }

    public string? ExecutedAmountYuan { get; init; }

    public string? ReceiptNumber { get; init; }

    public long? AnsweredAtMs { get; init; }

    /// <summary>The <c>sub</c> of the unit system that answered.</summary>
    public string? AnsweredBy { get; init; }

    public DateTimeOffset Deadline => DateTimeOffset.FromUnixTimeMilliseconds(DeadlineMs);
}

/// <summary>A unit's answer as submitted, normalised for comparison.</summary>
public sealed record FeedbackAnswer(FeedbackOutcome Outcome, string Reason, string? ExecutedAmountYuan, string ReceiptNumber);

/// <summary>What a second answer to an answered matter is.</summary>
public enum FeedbackDecision
{
    /// <summary>The first answer: record it.</summary>
    Record,

    /// <summary>The same answer as the one recorded: change nothing.</summary>
    Duplicate,

    /// <summary>A different answer from the one recorded: refuse it.</summary>
    Conflict,
}

/// <summary>
/// The matter state machine. Stored states are filing → dispatched → delivered → answered; "overdue" is not stored but
/// read: a dispatched or delivered matter whose deadline has passed (so no job has to flip it, and every replica agrees).
/// An answer may come while the matter is still dispatched (the unit got it but its receipt was lost): it counts as
/// delivered then. Deadlines are exclusive: an answer at or after the deadline is late.
/// </summary>
public static class MatterLifecycle
{
    /// <summary>Stored but not yet on record (the audit record is being written): invisible, never dispatched.</summary>
    public const string Filing = "filing";

    public const string Dispatched = "dispatched";

    public const string Delivered = "delivered";

    public const string Answered = "answered";

    public static MatterState StateAt(MatterRecord matter, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(matter);
        return matter.State switch
        {
            Answered => MatterState.Answered,
            Dispatched or Delivered when now.ToUnixTimeMilliseconds() >= matter.DeadlineMs => MatterState.Overdue,
            Dispatched => MatterState.Dispatched,
            Delivered => MatterState.Delivered,
            _ => MatterState.Unspecified,
        };
    }

    /// <summary>Whether the dispatcher should still try to deliver the matter at <paramref name="now"/>.</summary>
    public static bool ShouldDeliver(MatterRecord matter, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(matter);
        return matter.State == Dispatched && now.ToUnixTimeMilliseconds() < matter.DeadlineMs;
    }

    public static bool IsLate(MatterRecord matter, DateTimeOffset answeredAt)
    {
        ArgumentNullException.ThrowIfNull(matter);
        return answeredAt.ToUnixTimeMilliseconds() >= matter.DeadlineMs;
    }

    /// <summary>What to do with <paramref name="answer"/> given the matter as stored.</summary>
    public static FeedbackDecision Decide(MatterRecord matter, FeedbackAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(matter);
        ArgumentNullException.ThrowIfNull(answer);
        if (matter.State != Answered)
        {
            return FeedbackDecision.Record;
        }

        var same = matter.Outcome == OutcomeName(answer.Outcome)
            && string.Equals(matter.Reason ?? string.Empty, answer.Reason, StringComparison.Ordinal)
            && string.Equals(matter.ExecutedAmountYuan, answer.ExecutedAmountYuan, StringComparison.Ordinal)
            && string.Equals(matter.ReceiptNumber, answer.ReceiptNumber, StringComparison.Ordinal);
        return same ? FeedbackDecision.Duplicate : FeedbackDecision.Conflict;
    }

    public static string OutcomeName(FeedbackOutcome outcome) => outcome switch
    {
        FeedbackOutcome.Completed => "completed",
        FeedbackOutcome.PartiallyCompleted => "partially-completed",
        FeedbackOutcome.Rejected => "rejected",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "no feedback outcome"),
    };

    public static FeedbackOutcome OutcomeOf(string? name) => name switch
    {
        "completed" => FeedbackOutcome.Completed,
        "partially-completed" => FeedbackOutcome.PartiallyCompleted,
        "rejected" => FeedbackOutcome.Rejected,
        _ => FeedbackOutcome.Unspecified,
    };
}
