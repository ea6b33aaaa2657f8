using System.Data.Common;
using System.Security.Claims;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Audit;
using DataGateway.Domain.Identity;
using DataGateway.Features.Api;
using DataGateway.Features.Audit;
using DataGateway.Features.Minimisation;
using DataGateway.Features.Privacy;
using DataGateway.Features.Units;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace DataGateway.Features.Estate;

/// <summary>
/// An estate inquiry (继承公证 one-stop): validate; check the notarial file is the notary's office's and not bound to
/// another deceased; ask the death items, and stop unless a death record confirms the death; ask the kinship items,
/// and stop unless the applicant is an heir; ask every other item the role is granted, at once; build the report,
/// minimise it for the notary, store it, and record every item in the audit trail before it leaves.
/// </summary>
/// <remarks>
/// Audit: "each access writes exactly one record" is read per data item: every item asked of the units writes one
/// estate-item record (request id = the inquiry id; units asked for the item; the item as returned when a unit held
/// something; detail = the item and its per-status tally), so the trail answers "who learnt this fact about whom" item
/// by item, as the district's item-level sharing rules are written. A refusal before any unit is asked writes one
/// record; a refusal after asking (death not confirmed, applicant not an heir) writes one per item asked, outcome
/// denied, none returned. Reading a stored report is one access: one record with every item in the report.
/// </remarks>
internal sealed partial class EstateInquiryHandler(
    EstateInquiryValidator validator,
    EstateCatalog estate,
    UnitFanOut fanOut,
    IEstateStore store,
    IAuditTrail audit,
    ResponseMinimiser minimiser,
    KeyedHasher hasher,
    IOptions<EstateOptions> options,
    TimeProvider timeProvider,
    ILogger<EstateInquiryHandler> logger)
{
    public async Task<EstateReport> CreateAsync(CreateEstateInquiryRequest request, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var inquiry = validator.Validate(request);
        var started = timeProvider.GetTimestamp();
        var now = timeProvider.GetUtcNow();
        var inquiryId = Guid.CreateVersion7(now).ToString();
        var fileNumber = inquiry.File.ToString();
        var deceasedHash = hasher.Hash(inquiry.DeceasedId);
        var notary = user.FindFirstValue(GatewayClaimTypes.Subject) ?? string.Empty;
        var record = new AccessRecord
        {
            Kind = AuditKinds.EstateItem,
            RequestId = inquiryId,
            Actor = AuditActor.From(user),
            PurposeKind = AuditPurposeKinds.NotarialFile,
            Purpose = fileNumber,
            SubjectIdentifier = inquiry.DeceasedId,
            Outcome = AuditOutcomes.Answered,
        };

        if (await RefusalOfFileAsync(user, inquiry, deceasedHash, cancellationToken) is { } refusal)
        {
            await RecordAsync(record with { Outcome = AuditOutcomes.Denied, Detail = refusal });
            Log.Refused(logger, inquiryId, fileNumber, "file");
            throw ApiErrors.PermissionDenied(refusal);
        }

        var roles = user.FindAll(GatewayClaimTypes.Roles).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        var granted = estate.GrantedTo(roles);
        var question = new AnswerQueryRequest
        {
            RequestId = inquiryId,
            Purpose = new Purpose { NotarialFileNumber = fileNumber },
            Subject = new Subject { IdNumber = inquiry.DeceasedId, Name = inquiry.DeceasedName },
            RequesterHash = hasher.Hash(notary),
        };

        // 1. The death gate: no other unit is asked about someone not known to be dead.
        var deathOutcomes = await AskAsync(Section(granted, EstateSection.Death), question, deceasedHash, inquiry.Fresh, cancellationToken);
        var death = EstateReportBuilder.Death(deathOutcomes);
        if (death.ConfirmedBy.Count == 0)
        {
            var reason = DeathNotConfirmed(deathOutcomes);
            await RecordItemsAsync(record, deathOutcomes, AuditOutcomes.Denied, reason);
            Log.Refused(logger, inquiryId, fileNumber, "death");
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "deceased: " + reason));
        }

        // 2. The heirs: only an heir may have the deceased's assets looked up.
        var kinship = Section(granted, EstateSection.Record).Where(i => i.Category.Code == "KINSHIP").ToList();
        var kinshipOutcomes = await AskAsync(kinship, question, deceasedHash, inquiry.Fresh, cancellationToken);
        var heirs = HeirRules.Heirs(EstateReportBuilder.Relatives(kinshipOutcomes), inquiry.ApplicantId);
        var decision = HeirRules.Check(heirs, inquiry.Relationship);
        if (!decision.Allowed)
        {
            var asked = deathOutcomes.Concat(kinshipOutcomes).ToList();
            var missing = kinshipOutcomes.SelectMany(o => o.Answers).Where(a => a.Status is not (UnitStatus.Ok or UnitStatus.NotFound)).ToList();
            if (missing.Count > 0)
            {
                // Not every register answered: the applicant may be in the one that did not.
                var reason = "the heirs cannot be established now: " + string.Join(", ", missing.Select(a => $"{a.UnitId} {UnitStatusNames.Name(a.Status)}").Distinct()) + "; ask again later";
                await RecordItemsAsync(record, asked, AuditOutcomes.Failed, reason);
                Log.Refused(logger, inquiryId, fileNumber, "kinship-unavailable");
                throw new RpcException(new Status(StatusCode.Unavailable, "applicant: " + reason));
            }

            await RecordItemsAsync(record, asked, AuditOutcomes.Denied, decision.Reason);
            Log.Refused(logger, inquiryId, fileNumber, "heir");
            throw new RpcException(new Status(StatusCode.PermissionDenied, "applicant: " + decision.Reason));
        }

        // 3. Everything else the role is granted, from every unit at once.
        var rest = granted.Where(i => i.Category.Section != EstateSection.Death && i.Category.Code != "KINSHIP").ToList();
        var restOutcomes = await AskAsync(rest, question, deceasedHash, inquiry.Fresh, cancellationToken);

        var outcomes = deathOutcomes.Concat(kinshipOutcomes).Concat(restOutcomes).ToList();
        var elapsedMs = (int)Math.Clamp(timeProvider.GetElapsedTime(started).TotalMilliseconds, 0, int.MaxValue);
        var report = EstateReportBuilder.Build(
            inquiryId, inquiry, notary, death, heirs, outcomes, estate, options.Value.SmallDepositLimitYuan, now, elapsedMs);

        // Stored as the notary sees it; the interceptor minimises the response again, which changes nothing more.
        minimiser.Apply(report, user);
        var stored = new StoredEstateInquiry(
            inquiryId, fileNumber, inquiry.File.OfficeCode, notary, deceasedHash, hasher.Hash(inquiry.ApplicantId), now, report);
        bool saved;
        try
        {
            saved = await store.SaveAsync(stored, CancellationToken.None);
        }
        catch (DbException)
        {
            await RecordItemsAsync(record, outcomes, AuditOutcomes.Failed, "the report could not be stored");
            throw new RpcException(new Status(StatusCode.Unavailable, "the report could not be stored, so it is not given; ask again later"));
        }

        if (!saved)
        {
            var bound = FileBoundElsewhere(fileNumber);
            await RecordItemsAsync(record, outcomes, AuditOutcomes.Denied, bound);
            Log.Refused(logger, inquiryId, fileNumber, "file");
            throw ApiErrors.PermissionDenied(bound);
        }

        // Written before the report leaves: a report whose access cannot be recorded is not given, nor kept.
        try
        {
            await RecordItemsAsync(record, outcomes, AuditOutcomes.Answered, reason: null);
        }
        catch (RpcException)
        {
            await store.DeleteAsync(inquiryId, CancellationToken.None);
            throw;
        }

        Log.Answered(logger, inquiryId, fileNumber, report.Coverage.ItemsAsked, report.Coverage.ItemsAnswered, report.Heirs.Count, report.Inventory.Count, elapsedMs);
        return report;
    }

    /// <summary>A stored report, to the notary who made the inquiry; the read is recorded.</summary>
    public async Task<EstateReport> GetAsync(string inquiryId, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(inquiryId, out var id))
        {
            throw ApiErrors.InvalidArgument("inquiryId", "is not an inquiry id (a UUID as CreateEstateInquiry gives it)");
        }

        var stored = await store.FindAsync(id.ToString(), cancellationToken)
            ?? throw ApiErrors.NotFound("inquiryId", $"no estate inquiry {id}");
        var caller = user.FindFirstValue(GatewayClaimTypes.Subject) ?? string.Empty;
        var record = new AccessRecord
        {
            Kind = AuditKinds.EstateItem,
            RequestId = stored.InquiryId,
            Actor = AuditActor.From(user),
            PurposeKind = AuditPurposeKinds.NotarialFile,
            Purpose = stored.NotarialFileNumber,
            // The deceased's identity number is not stored; its keyed hash is, and names the subject as the inquiry's
            // own records do, so a search by the deceased finds every read of the report.
            SubjectHash = stored.DeceasedHash,
            Outcome = AuditOutcomes.Answered,
        };

        if (!string.Equals(caller, stored.NotarySubject, StringComparison.Ordinal))
        {
            await RecordAsync(record with { Outcome = AuditOutcomes.Denied, Detail = "stored report read by a notary who did not make the inquiry" });
            throw ApiErrors.PermissionDenied("this estate inquiry was made by another notary");
        }

        var report = stored.Report;
        await RecordAsync(record with
        {
            ItemsReturned = [.. report.Items.Where(i => i.RecordCount > 0).Select(i => i.DataItem)],
            Detail = "stored report read",
        });
        return report;
    }

    private async Task<string?> RefusalOfFileAsync(ClaimsPrincipal user, EstateInquiry inquiry, string deceasedHash, CancellationToken cancellationToken)
    {
        var office = user.FindFirstValue(GatewayClaimTypes.NotaryOffice);
        if (string.IsNullOrWhiteSpace(office))
        {
            return $"your token carries no {GatewayClaimTypes.NotaryOffice} claim, so no notarial file can be yours";
        }

        if (!string.Equals(office, inquiry.File.OfficeCode, StringComparison.Ordinal))
        {
            return $"notarial file {inquiry.File} belongs to notary office {inquiry.File.OfficeCode}, not to your office {office}";
        }

        var bound = await store.FindFileDeceasedAsync(inquiry.File.ToString(), cancellationToken);
        return bound is not null && bound != deceasedHash ? FileBoundElsewhere(inquiry.File.ToString()) : null;
    }

    private static string FileBoundElsewhere(string fileNumber) =>
        $"notarial file {fileNumber} is already used for another deceased; one file is one estate";

    private static string DeathNotConfirmed(IReadOnlyList<ItemOutcome> deathOutcomes)
    {
        var silent = deathOutcomes
            .Where(o => EstateCatalog.DeathEvidence.Contains(o.Code))
            .SelectMany(o => o.Answers)
            .Where(a => a.Status is not (UnitStatus.Ok or UnitStatus.NotFound))
            .Select(a => $"{a.UnitId} {UnitStatusNames.Name(a.Status)}")
            .Distinct()
            .ToList();
        const string lead = "the death is not confirmed: no death certificate, household deregistration, cremation or court declaration";
        return silent.Count == 0
            ? lead + " is recorded for this person, so no other unit is asked"
            : lead + $" was found, and not every unit holding them answered ({string.Join(", ", silent)}); ask again later";
    }

    private static List<EstateItemInfo> Section(IReadOnlyList<EstateItemInfo> items, EstateSection section) =>
        [.. items.Where(i => i.Category.Section == section)];

    private async Task<List<ItemOutcome>> AskAsync(
        IReadOnlyList<EstateItemInfo> items, AnswerQueryRequest template, string subjectHash, bool fresh, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return [];
        }

        // Each unit once, in catalog order, asked for all of these items it serves.
        var unitIds = items.SelectMany(i => i.Units).Select(u => u.Id).ToHashSet(StringComparer.Ordinal);
        var units = estate.UnitsInCatalogOrder(unitIds);
        var request = template.Clone();
        request.DataItems.Add(items.Select(i => i.Code));
        var answers = await fanOut.AskAsync(units, new UnitQuestion(request, subjectHash, fresh), cancellationToken);
        return ItemOutcome.From(items, answers);
    }

    /// <summary>
    /// One record per item, written together: all or none, and one sync for the inquiry's hundred-odd records rather
    /// than one each (bench S7: awaiting them one by one added about a third to the inquiry).
    /// </summary>
    private async Task RecordItemsAsync(AccessRecord template, IEnumerable<ItemOutcome> outcomes, string outcome, string? reason)
    {
        var records = outcomes.Select(item => template with
        {
            UnitsAsked = [.. item.Answers.Select(a => a.UnitId)],
            ItemsReturned = outcome == AuditOutcomes.Answered && item.RecordCount > 0 ? [item.Code] : [],
            FromCache = item.Answers.Any(a => a.FromCache),
            Outcome = outcome,
            Detail = reason is null ? $"{item.Code}: {item.Tally()}" : $"{item.Code}: {item.Tally()}; {reason}",
        }).ToList();
        if (records.Count > 0)
        {
            await RecordAsync(records);
        }
    }

    private Task RecordAsync(AccessRecord record) => audit.RecordOrRefuseAsync(record);

    private Task RecordAsync(IReadOnlyList<AccessRecord> records) => audit.RecordOrRefuseAsync(records);

    private static partial class Log
    {
        // File numbers are notary office records, not personal identifiers; no name or identity number appears here.
        [LoggerMessage(EventId = 70, Level = LogLevel.Information,
            Message = "Estate inquiry {InquiryId} under {FileNumber}: {ItemsAnswered}/{ItemsAsked} items answered, {HeirCount} relatives, {CategoryCount} inventory categories, {ElapsedMs} ms")]
        public static partial void Answered(ILogger logger, string inquiryId, string fileNumber, int itemsAsked, int itemsAnswered, int heirCount, int categoryCount, int elapsedMs);

        [LoggerMessage(EventId = 71, Level = LogLevel.Warning, Message = "Estate inquiry {InquiryId} under {FileNumber} refused at the {Check} check")]
        public static partial void Refused(ILogger logger, string inquiryId, string fileNumber, string check);
    }
}
