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
internal sealed record PassthroughAccess(string UnitId, string CaseNumber, string SubjectIdentifier, string RequestId, AccessRecord Record)
{
    public bool Audited { get; set; }
}

/// <summary>
/// The first step of every pass-through call, before YARP picks a destination: the caller states a purpose (case
/// number and subject, as headers), the purpose is checked like a query's, and a refusal is audited and answered
/// without forwarding anything. The audit record of an allowed call is written by the response transform, once the
/// unit's status is known and before its body is copied to the caller.
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
            Outcome = AuditOutcomes.Answered,
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

        var access = new PassthroughAccess(unitId, caseNumber.ToString(), subject, requestId, record);
        context.Items[typeof(PassthroughAccess)] = access;
        await next();

        // YARP answered without a unit response (unreachable, no healthy destination): record the failed call.
        if (!access.Audited && context.Features.Get<IForwarderErrorFeature>() is { } error)
        {
            access.Audited = true;
            await TryAuditAsync(record with { Outcome = AuditOutcomes.Failed, Detail = $"{context.Request.Method} not forwarded: {error.Error}" });
        }
    }

    /// <summary>Called by the response transform with the unit's status, before the body leaves.</summary>
    public async Task<bool> AuditForwardedAsync(PassthroughAccess access, string method, int unitStatus)
    {
        access.Audited = true;
        return await TryAuditAsync(access.Record with
        {
            Outcome = unitStatus < 500 ? AuditOutcomes.Answered : AuditOutcomes.Failed,
            // The path is not recorded: a unit's own API may put identifiers in it.
            Detail = $"{method} answered HTTP {unitStatus}",
        });
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
