using DataGateway.Domain.Audit;
using DataGateway.Domain.Purposes;
using DataGateway.Domain.Subjects;
using DataGateway.Features.Audit;
using DataGateway.Features.Cases;
using DataGateway.Features.Enforcement;
using Microsoft.AspNetCore.Mvc;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace DataGateway.Features.Passthrough;

/// <summary>What the gate established for one pass-through call; the transforms read it.</summary>
/// <param name="Recorded">The call's <c>forwarded</c> record being written: true once durable, false if it cannot be.</param>
internal sealed record PassthroughAccess(string UnitId, string CaseNumber, string SubjectIdentifier, string RequestId, AccessRecord Record, Task<bool> Recorded)
{
    /// <summary>The unit's HTTP status, once its response has arrived.</summary>
    public int? UnitStatus { get; set; }
}

/// <summary>
/// The first step of every pass-through call, before YARP picks a destination: the caller states a purpose (case
/// number and subject, as headers), the purpose is checked like a query's, and a refusal is audited and answered
/// without forwarding anything.
/// <para>
/// An allowed call's record (outcome <c>forwarded</c>) is written while the call travels to the unit, and the response
/// transform waits for it before the unit's body is copied to the caller: "recorded before the answer leaves" holds,
/// and the record's sync (a synced write is about 0.3 ms on the bench's disk, an append 0.5–0.7 ms in all) overlaps the
/// unit's own time instead of following it. Written after the unit's response, it was the largest part of what bench S6
/// saw the gateway add; overlapped, S6 went from +1.13–1.29 to +0.98–1.08 ms at p50 against a unit answering in 0.3 ms
/// (the append is still the longer of the two there; behind a unit taking tens of milliseconds it costs nothing). The
/// unit's status cannot be in that record; a call that fails (no response, or 5xx) gets a second, <c>failed</c> one.
/// </para>
/// </summary>
internal sealed partial class PassthroughGate(
    CaseRegistry cases,
    IAuditTrail audit,
    IProblemDetailsService problems,
    TimeProvider timeProvider,
    ILogger<PassthroughGate> logger)
{
    /// <summary>The enforcement case, UTF-8 percent-encoded (header values are ASCII): %282024%29%E6%B5%990604%E6%89%A71234%E5%8F%B7.</summary>
    public const string CaseHeader = "X-Case-Number";

    /// <summary>The subject's resident ID or credit code.</summary>
    public const string SubjectHeader = "X-Subject-Id";

    public const string UnitIdMetadata = "UnitId";

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var unitId = context.GetReverseProxyFeature().Route.Config.Metadata?.GetValueOrDefault(UnitIdMetadata);
        if (unitId is null)
        {
            await next();
            return;
        }

        var today = DistrictClock.Today(timeProvider);
        var caseHeader = context.Request.Headers[CaseHeader].ToString();
        if (caseHeader.Length == 0)
        {
            await RefuseAsync(context, 400, CaseHeader, "is required: every pass-through call is made under an enforcement case");
            return;
        }

        if (!CaseNumber.TryParse(Unescape(caseHeader), today, out var caseNumber, out var caseError))
        {
            await RefuseAsync(context, 400, CaseHeader, caseError);
            return;
        }

        var subjectHeader = context.Request.Headers[SubjectHeader].ToString();
        if (SubjectOf(subjectHeader, today) is not { } subject)
        {
            await RefuseAsync(context, 400, SubjectHeader, subjectHeader.Length == 0
                ? "is required: name the judgment debtor the call is about"
                : "is neither a valid resident ID nor a valid unified social credit code");
            return;
        }

        var requestId = Guid.CreateVersion7(timeProvider.GetUtcNow()).ToString();
        var method = context.Request.Method;
        var record = new AccessRecord
        {
            Kind = AuditKinds.PassThrough,
            RequestId = requestId,
            Actor = AuditActor.From(context.User),
            PurposeKind = AuditPurposeKinds.Case,
            Purpose = caseNumber.ToString(),
            SubjectIdentifier = subject,
            UnitsAsked = [unitId],
            ItemsReturned = [],
            Outcome = AuditOutcomes.Forwarded,
            // The path is not recorded: a unit's own API may put identifiers in it.
            Detail = $"{method} forwarded",
        };

        var decision = await cases.CheckAsync(context.User, caseNumber, subject, context.RequestAborted);
        if (!decision.Allowed)
        {
            if (await TryAuditAsync(record with { UnitsAsked = [], Outcome = AuditOutcomes.Denied, Detail = decision.Reason }))
            {
                await RefuseAsync(context, 403, null, decision.Reason ?? "this call is not allowed under that case");
            }
            else
            {
                await RefuseAsync(context, 503, null, AuditErrors.UnavailableMessage);
            }

            return;
        }

        // Written while YARP sends the call, and awaited before the unit's body is released (see the class remarks). On
        // its own thread: SQLite's "async" calls run synchronously, so started inline the write would finish (sync and
        // all) before the call left.
        var recorded = Task.Run(() => TryAuditAsync(record));
        var access = new PassthroughAccess(unitId, caseNumber.ToString(), subject, requestId, record, recorded);
        context.Items[typeof(PassthroughAccess)] = access;
        try
        {
            await next();
        }
        finally
        {
            // Whatever happened to the call, its record is finished before the request ends.
            await access.Recorded;
        }

        if (access.UnitStatus is null && context.Features.Get<IForwarderErrorFeature>() is { } error)
        {
            // YARP answered without a unit response (unreachable, no healthy destination).
            await TryAuditAsync(record with { Outcome = AuditOutcomes.Failed, Detail = $"{method} not forwarded: {error.Error}" });
        }
        else if (access.UnitStatus >= 500)
        {
            await TryAuditAsync(record with { Outcome = AuditOutcomes.Failed, Detail = $"{method} answered HTTP {access.UnitStatus}" });
        }
    }

    /// <summary>
    /// Called by the response transform with the unit's status, before the body leaves: whether the call's record is
    /// durable, so the body may go.
    /// </summary>
    public static Task<bool> UnitAnsweredAsync(PassthroughAccess access, int unitStatus)
    {
        access.UnitStatus = unitStatus;
        return access.Recorded;
    }

    private async Task<bool> TryAuditAsync(AccessRecord record)
    {
        try
        {
            await audit.AppendAsync(record, CancellationToken.None);
            return true;
        }
        catch (AuditUnavailableException)
        {
            Log.AuditUnavailable(logger, record.RequestId);
            return false;
        }
    }

    private async Task RefuseAsync(HttpContext context, int status, string? field, string reason)
    {
        context.Response.StatusCode = status;
        var problem = new ProblemDetails
        {
            Status = status,
            Title = status switch { 400 => "The request is not valid", 403 => "Your role or purpose does not allow this", _ => "Service unavailable" },
            Detail = field is null ? reason : $"{field}: {reason}",
        };
        if (field is not null)
        {
            problem.Extensions["field"] = field;
        }

        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }

    private static string? SubjectOf(string value, DateOnly today)
    {
        if (ResidentIdNumber.TryValidate(value, today, out var id, out _))
        {
            return id;
        }

        return UnifiedSocialCreditCode.TryValidate(value, out var code, out _) ? code : null;
    }

    private static string Unescape(string value)
    {
        try
        {
            return Uri.UnescapeDataString(value);
        }
        catch (UriFormatException)
        {
            return value;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 40, Level = LogLevel.Error, Message = "Pass-through {RequestId} refused: the audit trail cannot be written")]
        public static partial void AuditUnavailable(ILogger logger, string requestId);
    }
}
