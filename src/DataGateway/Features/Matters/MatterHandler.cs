using System.Security.Claims;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Audit;
using DataGateway.Domain.Catalog;
using DataGateway.Domain.Identity;
using DataGateway.Domain.Purposes;
using DataGateway.Domain.Subjects;
using DataGateway.Features.Api;
using DataGateway.Features.Audit;
using DataGateway.Features.Cases;
using DataGateway.Features.Enforcement;
using DataGateway.Features.Privacy;
using DataGateway.Features.Sla;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace DataGateway.Features.Matters;

/// <summary>
/// Filing a matter and reading matters. Filing: validate, check the purpose (the judge's own open case, the subject a
/// debtor in it), store the matter invisibly, put it on the audit trail, make it visible, then try to deliver it at once;
/// a unit that does not take it now gets it from the dispatcher later. A matter that cannot be audited is never sent.
/// </summary>
internal sealed partial class MatterHandler(
    MatterValidator validator,
    CaseRegistry cases,
    UnitCatalog catalog,
    IMatterStore store,
    IAuditTrail audit,
    KeyedHasher hasher,
    MatterDeadlines deadlines,
    MatterDelivery delivery,
    MatterDispatcher dispatcher,
    IOptions<MatterOptions> options,
    TimeProvider timeProvider,
    ILogger<MatterHandler> logger)
{
    public async Task<FileMatterResponse> FileAsync(FileMatterRequest request, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var valid = validator.Validate(request);
        var now = timeProvider.GetUtcNow();
        var matterId = Guid.CreateVersion7(now).ToString();
        var caseNumber = valid.CaseNumber.ToString();
        var deadline = deadlines.For(valid.Action, valid.Unit.Kind, now);
        var access = new AccessRecord
        {
            Kind = AuditKinds.Matter,
            RequestId = matterId,
            Actor = AuditActor.From(user),
            PurposeKind = AuditPurposeKinds.Case,
            Purpose = caseNumber,
            SubjectIdentifier = valid.SubjectIdentifier,
            UnitsAsked = [valid.Unit.Id],
            ItemsReturned = [],
            Outcome = AuditOutcomes.Answered,
            Detail = $"{valid.Action} to {valid.Unit.Id}, due {deadline.Deadline.ToOffset(MatterDeadlines.DistrictOffset):yyyy-MM-dd HH:mm} (+08:00), {deadline.WorkingDays} working days",
        };

        var decision = await cases.CheckAsync(user, valid.CaseNumber, valid.SubjectIdentifier, cancellationToken);
        if (!decision.Allowed)
        {
            await RecordAsync(access with { UnitsAsked = [], Outcome = AuditOutcomes.Denied, Detail = decision.Reason });
            throw ApiErrors.PermissionDenied(decision.Reason ?? "this matter is not allowed under that case");
        }

        var isPerson = valid.Subject.IdentifierCase == Subject.IdentifierOneofCase.IdNumber;
        var filedBy = user.FindFirstValue(GatewayClaimTypes.Subject) ?? string.Empty;
        var record = new MatterRecord
        {
            MatterId = matterId,
            CaseNumber = caseNumber,
            Action = valid.Action,
            UnitId = valid.Unit.Id,
            UnitKind = valid.Unit.Kind.ToString(),
            SubjectKind = isPerson ? SubjectKinds.Person : SubjectKinds.Organisation,
            SubjectMasked = isPerson ? Masking.MaskIdNumber(valid.SubjectIdentifier) : Masking.MaskCreditCode(valid.SubjectIdentifier),
            SubjectName = valid.Subject.Name,
            SubjectHash = hasher.Hash(valid.SubjectIdentifier),
            SubjectIdentifier = valid.SubjectIdentifier,
            AssetReference = valid.AssetReference,
            AmountYuan = valid.AmountYuan,
            TermMonths = valid.TermMonths,
            RulingNumber = valid.RulingNumber,
            NoticeNumber = valid.NoticeNumber,
            FiledBy = filedBy,
            RequesterHash = hasher.Hash(filedBy),
            FiledAtMs = now.ToUnixTimeMilliseconds(),
            DeadlineMs = deadline.Deadline.ToUnixTimeMilliseconds(),
            DeadlineWorkingDays = deadline.WorkingDays,
            State = MatterLifecycle.Filing,
            NextAttemptMs = now.ToUnixTimeMilliseconds(),
            // Leased to this replica for the first attempt below; if it dies, the lease expires and another takes over.
            LeaseOwner = dispatcher.Owner,
            LeaseUntilMs = now.ToUnixTimeMilliseconds() + options.Value.LeaseMs,
        };

        await WriteAsync(() => store.InsertAsync(record, CancellationToken.None));
        try
        {
            await audit.AppendAsync(access, CancellationToken.None);
        }
        catch (AuditUnavailableException)
        {
            await store.DeleteFilingAsync(matterId, CancellationToken.None);
            throw AuditErrors.Unavailable();
        }

        await WriteAsync(() => store.ActivateAsync(matterId, CancellationToken.None));
        Log.Filed(logger, matterId, valid.Action, valid.Unit.Id, caseNumber, deadline.WorkingDays);

        // Not the caller's token: the matter is filed now, and its first attempt is recorded whatever the caller does.
        var delivered = await delivery.AttemptAsync(record with { State = MatterLifecycle.Dispatched }, dispatcher.Owner, CancellationToken.None);
        if (!delivered)
        {
            dispatcher.Wake();
        }

        var stored = await store.FindAsync(matterId, CancellationToken.None) ?? record with { State = MatterLifecycle.Dispatched };
        return new FileMatterResponse { Matter = MatterContract.ToContract(stored, catalog, timeProvider.GetUtcNow()) };
    }

    /// <summary>A matter for a judge of its case, or for its own unit.</summary>
    public async Task<GetMatterResponse> GetAsync(GetMatterRequest request, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.MatterId))
        {
            throw ApiErrors.InvalidArgument("matterId", "is required");
        }

        var matter = await store.FindAsync(request.MatterId, cancellationToken)
            ?? throw ApiErrors.NotFound("matterId", $"no matter '{request.MatterId}'");
        if (!await MayReadAsync(user, matter, cancellationToken))
        {
            const string reason = "only a judge of the matter's case or the unit it was sent to may read it";
            await RecordAsync(ReadRecord(matter, user) with { Outcome = AuditOutcomes.Denied, Detail = reason });
            throw ApiErrors.PermissionDenied(reason);
        }

        await RecordAsync(ReadRecord(matter, user));
        return new GetMatterResponse { Matter = MatterContract.ToContract(matter, catalog, timeProvider.GetUtcNow()) };
    }

    public async Task<ListCaseMattersResponse> ListByCaseAsync(ListCaseMattersRequest request, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.CaseNumber))
        {
            throw ApiErrors.InvalidArgument("caseNumber", "is required");
        }

        if (!CaseNumber.TryParse(request.CaseNumber, DistrictClock.Today(timeProvider), out var caseNumber, out var error))
        {
            throw ApiErrors.InvalidArgument("caseNumber", error);
        }

        var registered = await cases.FindAsync(caseNumber.ToString(), cancellationToken);
        var decision = registered is null
            ? PurposeDecision.Deny($"no such case in the case registry: {caseNumber}")
            : PurposeRules.CanSee(registered, CaseCaller.From(user));
        if (!decision.Allowed)
        {
            await RecordAsync(new AccessRecord
            {
                Kind = AuditKinds.Matter,
                RequestId = Guid.CreateVersion7(timeProvider.GetUtcNow()).ToString(),
                Actor = AuditActor.From(user),
                PurposeKind = AuditPurposeKinds.Case,
                Purpose = caseNumber.ToString(),
                Outcome = AuditOutcomes.Denied,
                Detail = "case's matters listed: " + decision.Reason,
            });
            throw ApiErrors.PermissionDenied(decision.Reason!);
        }

        var now = timeProvider.GetUtcNow();
        var matters = await store.ListByCaseAsync(caseNumber.ToString(), cancellationToken);
        // One record per matter shown: each names its own subject, so a search by subject finds the listing too.
        if (matters.Count > 0)
        {
            await RecordAsync([.. matters.Select(m => ReadRecord(m, user) with { Detail = "listed with the case's matters" })]);
        }

        var response = new ListCaseMattersResponse();
        foreach (var matter in matters)
        {
            response.Matters.Add(MatterContract.ToContract(matter, catalog, now));
        }

        return response;
    }

    /// <summary>
    /// The record of reading a stored matter: its subject (by hash — the identifier itself is cleared once delivered),
    /// the matter id as the request id, so the read sits next to the filing in a search.
    /// </summary>
    private static AccessRecord ReadRecord(MatterRecord matter, ClaimsPrincipal user) => new()
    {
        Kind = AuditKinds.Matter,
        RequestId = matter.MatterId,
        Actor = AuditActor.From(user),
        PurposeKind = AuditPurposeKinds.Case,
        Purpose = matter.CaseNumber,
        SubjectHash = matter.SubjectHash,
        Outcome = AuditOutcomes.Answered,
        Detail = "matter read",
    };

    private async Task<bool> MayReadAsync(ClaimsPrincipal user, MatterRecord matter, CancellationToken cancellationToken)
    {
        if (user.IsInRole(Roles.Unit) && user.FindAll(GatewayClaimTypes.UnitId).Any(c => c.Value == matter.UnitId))
        {
            return true;
        }

        if (!user.IsInRole(Roles.Judge))
        {
            return false;
        }

        var registered = await cases.FindAsync(matter.CaseNumber, cancellationToken);
        return registered is not null && PurposeRules.CanSee(registered, CaseCaller.From(user)).Allowed;
    }

    private Task RecordAsync(AccessRecord record) => audit.RecordOrRefuseAsync(record);

    private Task RecordAsync(IReadOnlyList<AccessRecord> records) => audit.RecordOrRefuseAsync(records);

    private async Task WriteAsync(Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            Log.StoreFailed(logger, ex);
            throw new RpcException(new Status(StatusCode.Unavailable, "the matter store cannot be written; nothing was sent, try again"));
        }
    }

    private static partial class Log
    {
        // Case numbers are court records; the subject never appears here.
        [LoggerMessage(EventId = 84, Level = LogLevel.Information, Message = "Matter {MatterId} filed: {Action} to {UnitId} under {CaseNumber}, {WorkingDays} working days")]
        public static partial void Filed(ILogger logger, string matterId, string action, string unitId, string caseNumber, int workingDays);

        [LoggerMessage(EventId = 85, Level = LogLevel.Error, Message = "The matter store could not be written")]
        public static partial void StoreFailed(ILogger logger, Exception exception);
    }
}
