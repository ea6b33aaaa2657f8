using System.Security.Claims;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Audit;
using DataGateway.Domain.Catalog;
using DataGateway.Domain.Identity;
using DataGateway.Features.Api;
using DataGateway.Features.Audit;
using Grpc.Core;

namespace DataGateway.Features.Matters;

/// <summary>
/// A unit's feedback (反馈) on a matter sent to it. Only the matter's unit may answer. The first answer is recorded (late
/// if at or after the deadline); the same answer again changes nothing and says so; a different one is refused with
/// ALREADY_EXISTS (409): an answer is a legal act of the unit, so a correction goes through the court, not an overwrite.
/// The answer is stored first and then audited: if the audit fails the unit gets UNAVAILABLE, sends it again, and the
/// repeat (a duplicate) is audited then.
/// </summary>
internal sealed partial class FeedbackHandler(
    IMatterStore store,
    UnitCatalog catalog,
    IAuditTrail audit,
    TimeProvider timeProvider,
    ILogger<FeedbackHandler> logger)
{
    private const int MaxReasonLength = 500;
    private const int MaxReceiptLength = 64;

    public async Task<SubmitFeedbackResponse> SubmitAsync(SubmitFeedbackRequest request, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.MatterId))
        {
            throw ApiErrors.InvalidArgument("matterId", "is required");
        }

        var callerUnits = user.FindAll(GatewayClaimTypes.UnitId).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToList();
        if (callerUnits.Count != 1)
        {
            throw ApiErrors.PermissionDenied("a unit's token must name exactly one unit (claim unit_id)");
        }

        var matter = await store.FindAsync(request.MatterId, cancellationToken)
            ?? throw ApiErrors.NotFound("matterId", $"no matter '{request.MatterId}'");
        var access = new AccessRecord
        {
            Kind = AuditKinds.Feedback,
            // The matter's id: the matter's own record (kind "matter") holds the subject; this one links to it.
            RequestId = matter.MatterId,
            Actor = AuditActor.From(user),
            PurposeKind = AuditPurposeKinds.Case,
            Purpose = matter.CaseNumber,
            UnitsAsked = [],
            ItemsReturned = [],
            Outcome = AuditOutcomes.Answered,
        };

        if (!string.Equals(callerUnits[0], matter.UnitId, StringComparison.Ordinal))
        {
            await RecordAsync(access with { Outcome = AuditOutcomes.Denied, Detail = $"unit {callerUnits[0]} answered a matter sent to another unit" });
            throw ApiErrors.PermissionDenied("this matter was not sent to your unit");
        }

        var answer = Validate(request, matter);
        var now = timeProvider.GetUtcNow();
        var late = MatterLifecycle.IsLate(matter, now);
        var decision = MatterLifecycle.Decide(matter, answer);
        if (decision == FeedbackDecision.Record && !await store.RecordFeedbackAsync(matter.MatterId, answer, now.ToUnixTimeMilliseconds(), user.FindFirstValue(GatewayClaimTypes.Subject) ?? callerUnits[0], CancellationToken.None))
        {
            // Another copy of an answer got there first (a retry racing itself, or another replica): judge against it.
            matter = await store.FindAsync(matter.MatterId, CancellationToken.None) ?? matter;
            decision = MatterLifecycle.Decide(matter, answer);
            if (decision == FeedbackDecision.Record)
            {
                throw new RpcException(new Status(StatusCode.Aborted, "the matter changed while the answer was recorded; send it again"));
            }
        }

        switch (decision)
        {
            case FeedbackDecision.Conflict:
                await RecordAsync(access with { Outcome = AuditOutcomes.Invalid, Detail = $"{MatterLifecycle.OutcomeName(answer.Outcome)} refused: the matter already has a different answer ({matter.Outcome}, receipt {matter.ReceiptNumber})" });
                throw new RpcException(new Status(StatusCode.AlreadyExists,
                    $"matterId: matter {matter.MatterId} was already answered ({matter.Outcome}, receipt {matter.ReceiptNumber}); a different answer cannot replace it"));
            case FeedbackDecision.Duplicate:
                await RecordAsync(access with { Detail = $"repeat of the recorded answer ({matter.Outcome}, receipt {matter.ReceiptNumber})" });
                break;
            default:
                await RecordAsync(access with { Detail = $"{MatterLifecycle.OutcomeName(answer.Outcome)}, receipt {answer.ReceiptNumber}{(late ? ", late" : string.Empty)}" });
                Log.Answered(logger, matter.MatterId, matter.UnitId, answer.Outcome, late);
                break;
        }

        var stored = await store.FindAsync(matter.MatterId, CancellationToken.None) ?? matter;
        return new SubmitFeedbackResponse
        {
            Matter = MatterContract.ToContract(stored, catalog, timeProvider.GetUtcNow()),
            Duplicate = decision == FeedbackDecision.Duplicate,
        };
    }

    private static FeedbackAnswer Validate(SubmitFeedbackRequest request, MatterRecord matter)
    {
        if (request.Outcome == FeedbackOutcome.Unspecified || !Enum.IsDefined(request.Outcome))
        {
            throw ApiErrors.InvalidArgument("outcome", "is required: FEEDBACK_OUTCOME_COMPLETED, FEEDBACK_OUTCOME_PARTIALLY_COMPLETED or FEEDBACK_OUTCOME_REJECTED");
        }

        var reason = request.Reason.Trim();
        if (reason.Length == 0 && request.Outcome != FeedbackOutcome.Completed)
        {
            throw ApiErrors.InvalidArgument("reason", "is required when the matter was rejected or done in part: say why");
        }

        if (reason.Length > MaxReasonLength)
        {
            throw ApiErrors.InvalidArgument("reason", $"must be at most {MaxReasonLength} characters (got {reason.Length})");
        }

        var receipt = request.ReceiptNumber.Trim();
        if (receipt.Length == 0)
        {
            throw ApiErrors.InvalidArgument("receiptNumber", "is required: the unit's own receipt (回执) number");
        }

        if (receipt.Length > MaxReceiptLength || receipt.Any(char.IsControl))
        {
            throw ApiErrors.InvalidArgument("receiptNumber", $"must be at most {MaxReceiptLength} characters, without control characters");
        }

        string? executed = null;
        var amount = request.ExecutedAmountYuan.Trim();
        if (amount.Length > 0)
        {
            if (!MatterValidator.TakesAmount(matter.Action))
            {
                throw ApiErrors.InvalidArgument("executedAmountYuan", $"must be empty for a {matter.Action} matter: only freezes and deductions carry an amount");
            }

            if (request.Outcome == FeedbackOutcome.Rejected)
            {
                throw ApiErrors.InvalidArgument("executedAmountYuan", "must be empty when the matter was rejected: nothing was executed");
            }

            executed = MatterValidator.ParseYuan(amount, out var error) ?? throw ApiErrors.InvalidArgument("executedAmountYuan", error!);
        }

        return new FeedbackAnswer(request.Outcome, reason, executed, receipt);
    }

    private Task RecordAsync(AccessRecord record) => audit.RecordOrRefuseAsync(record);

    private static partial class Log
    {
        [LoggerMessage(EventId = 86, Level = LogLevel.Information, Message = "Matter {MatterId} answered by {UnitId}: {Outcome}, late={Late}")]
        public static partial void Answered(ILogger logger, string matterId, string unitId, FeedbackOutcome outcome, bool late);
    }
}
