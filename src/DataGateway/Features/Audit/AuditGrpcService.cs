using System.Globalization;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Audit;
using DataGateway.Domain.Purposes;
using DataGateway.Domain.Subjects;
using DataGateway.Features.Api;
using DataGateway.Features.Enforcement;
using DataGateway.Features.Identity;
using DataGateway.Features.Privacy;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using ContractRecord = DataGateway.Contracts.V1.AuditRecord;

namespace DataGateway.Features.Audit;

/// <summary>The audit trail for auditors over gRPC and, through JSON transcoding, REST (GET /v1/audit/records, /v1/audit/verification).</summary>
[Authorize(Policy = Policies.Auditor)]
internal sealed class AuditGrpcService(IAuditTrail trail, AuditReader reader, KeyedHasher hasher, TimeProvider timeProvider)
    : AuditService.AuditServiceBase
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    /// <summary>
    /// The search is itself a data access (who looked up whom in the trail), so it is recorded like any other: after
    /// reading, so the count is known and the search does not find itself, and before the answer leaves.
    /// </summary>
    public override async Task<ListAuditRecordsResponse> ListAuditRecords(ListAuditRecordsRequest request, ServerCallContext context)
    {
        var access = new AccessRecord
        {
            Kind = AuditKinds.AuditSearch,
            RequestId = Guid.CreateVersion7(timeProvider.GetUtcNow()).ToString(),
            Actor = AuditActor.From(context.GetHttpContext().User),
            Outcome = AuditOutcomes.Answered,
        };

        AuditSearch search;
        try
        {
            search = Validate(request);
        }
        catch (RpcException invalid) when (invalid.StatusCode == StatusCode.InvalidArgument)
        {
            // Validation messages never repeat an identifier, so the detail is safe to keep.
            await RecordAsync(access with { Outcome = AuditOutcomes.Invalid, Detail = invalid.Status.Detail });
            throw;
        }

        var rows = await reader.SearchAsync(search.Filter, search.BeforeSequence, search.PageSize + 1, context.CancellationToken);
        var page = rows.Count > search.PageSize ? rows.Take(search.PageSize).ToList() : rows;
        await RecordAsync(access with
        {
            SubjectIdentifier = search.SubjectIdentifier,
            Detail = $"{search.Description}; {page.Count} {(page.Count == 1 ? "record" : "records")} returned",
        });

        var response = new ListAuditRecordsResponse
        {
            NextPageToken = rows.Count > search.PageSize ? page[^1].Sequence.ToString(CultureInfo.InvariantCulture) : string.Empty,
        };
        response.Records.AddRange(page.Select(ToContract));
        return response;
    }

    public override async Task<VerifyAuditTrailResponse> VerifyAuditTrail(VerifyAuditTrailRequest request, ServerCallContext context)
    {
        var result = await reader.VerifyAsync(context.CancellationToken);
        return new VerifyAuditTrailResponse
        {
            Intact = result.IsIntact,
            RecordsChecked = result.RecordsChecked,
            FirstBrokenSequence = result.FirstBreak?.Sequence ?? 0,
            Reason = result.FirstBreak?.Reason ?? string.Empty,
            LastSequence = result.LastSequence,
            LastHash = result.LastHash,
        };
    }

    // The search has been made; it is recorded even if the auditor has gone away.
    private Task RecordAsync(AccessRecord access) => trail.RecordOrRefuseAsync(access);

    private AuditSearch Validate(ListAuditRecordsRequest request)
    {
        var today = DistrictClock.Today(timeProvider);
        var filters = new List<string>();
        string? subject = null;
        if (request.IdNumber.Length > 0 && request.CreditCode.Length > 0)
        {
            throw ApiErrors.InvalidArgument("creditCode", "give idNumber (a person) or creditCode (an organisation), not both");
        }

        if (request.IdNumber.Length > 0)
        {
            subject = ResidentIdNumber.TryValidate(request.IdNumber, today, out var id, out var error)
                ? id
                : throw ApiErrors.InvalidArgument("idNumber", error);
            filters.Add("subject by idNumber");
        }
        else if (request.CreditCode.Length > 0)
        {
            subject = UnifiedSocialCreditCode.TryValidate(request.CreditCode, out var code, out var error)
                ? code
                : throw ApiErrors.InvalidArgument("creditCode", error);
            filters.Add("subject by creditCode");
        }

        string? caseNumber = null;
        if (request.CaseNumber.Length > 0)
        {
            caseNumber = CaseNumber.TryParse(request.CaseNumber, today, out var parsed, out var error)
                ? parsed.ToString()
                : throw ApiErrors.InvalidArgument("caseNumber", error);
            filters.Add($"case {caseNumber}");
        }

        if (request.User.Length > 0)
        {
            // A token subject: short and printable. Anything else is refused rather than written into the trail.
            if (request.User.Length > 128 || request.User.Any(char.IsControl) || request.User.Any(char.IsWhiteSpace))
            {
                throw ApiErrors.InvalidArgument("user", "must be a token subject (at most 128 printable characters, no spaces)");
            }

            filters.Add($"user {request.User}");
        }

        if (request.Kind.Length > 0)
        {
            if (!AuditKinds.IsKnown(request.Kind))
            {
                throw ApiErrors.InvalidArgument("kind", $"unknown kind '{request.Kind}'; known kinds: {string.Join(", ", AuditKinds.All)}");
            }

            filters.Add($"kind {request.Kind}");
        }

        var from = ToInstant(request.From, "from");
        var to = ToInstant(request.To, "to");
        if (from is not null && to is not null && to <= from)
        {
            throw ApiErrors.InvalidArgument("to", "must be after from");
        }

        if (from is not null)
        {
            filters.Add($"from {AuditRecordEncoding.FormatTimestamp(from.Value)}");
        }

        if (to is not null)
        {
            filters.Add($"to {AuditRecordEncoding.FormatTimestamp(to.Value)}");
        }

        if (request.PageSize is < 0 or > MaxPageSize)
        {
            throw ApiErrors.InvalidArgument("pageSize", $"must be between 1 and {MaxPageSize} (or 0 for the default {DefaultPageSize})");
        }

        long? before = null;
        if (request.PageToken.Length > 0)
        {
            before = long.TryParse(request.PageToken, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) && sequence > 0
                ? sequence
                : throw ApiErrors.InvalidArgument("pageToken", "is not a token this API returned");
            filters.Add($"before #{sequence}");
        }

        return new AuditSearch(
            new AuditFilter
            {
                SubjectHash = subject is null ? null : hasher.Hash(subject),
                ActorSubject = request.User.Length > 0 ? request.User : null,
                CaseNumber = caseNumber,
                From = from,
                To = to,
                Kind = request.Kind.Length > 0 ? request.Kind : null,
            },
            subject,
            before,
            request.PageSize == 0 ? DefaultPageSize : request.PageSize,
            filters.Count == 0 ? "all records" : string.Join(", ", filters));
    }

    private static DateTimeOffset? ToInstant(Timestamp? value, string field)
    {
        if (value is null)
        {
            return null;
        }

        try
        {
            return value.ToDateTimeOffset();
        }
        catch (InvalidOperationException)
        {
            throw ApiErrors.InvalidArgument(field, "is not a valid timestamp; give RFC 3339 UTC, e.g. 2025-06-01T00:00:00Z");
        }
    }

    private static ContractRecord ToContract(AuditRow row)
    {
        if (!row.TryToRecord(out var record, out var error))
        {
            // A tampered row is still shown, flagged, rather than hidden from the person checking for tampering.
            return new ContractRecord
            {
                Sequence = row.Sequence,
                Detail = $"this stored record cannot be read ({error}); verify the trail",
                PreviousHash = row.PreviousHash,
                Hash = row.Hash,
            };
        }

        var contract = new ContractRecord
        {
            Sequence = record.Sequence,
            RecordedAt = Timestamp.FromDateTimeOffset(record.RecordedAt),
            Kind = record.Kind,
            RequestId = record.RequestId,
            ActorSubject = record.ActorSubject,
            ActorUnitId = record.ActorUnitId ?? string.Empty,
            PurposeKind = record.PurposeKind,
            Purpose = record.Purpose ?? string.Empty,
            SubjectHash = record.SubjectHash ?? string.Empty,
            UnitsAsked = { record.UnitsAsked },
            ItemsReturned = { record.ItemsReturned },
            Outcome = record.Outcome,
            Detail = record.Detail ?? string.Empty,
            FromCache = record.FromCache,
            PreviousHash = record.PreviousHash,
            Hash = record.Hash,
        };
        contract.ActorRoles.AddRange(record.ActorRoles.Split(',', StringSplitOptions.RemoveEmptyEntries));
        return contract;
    }

    private sealed record AuditSearch(AuditFilter Filter, string? SubjectIdentifier, long? BeforeSequence, int PageSize, string Description);
}
