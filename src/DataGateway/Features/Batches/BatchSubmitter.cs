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
using Grpc.Core;

namespace DataGateway.Features.Batches;

/// <summary>
/// Accepts a batch only whole: every row's form is checked first (the single query's rules), then every subject's
/// purpose (the case registry's check, as for a single query). Any failing row refuses the batch, naming each failing
/// row, and nothing is stored or asked; each purpose refusal is recorded in the audit trail. Rows naming the same
/// subject under the same case are folded into one subject.
/// </summary>
internal sealed partial class BatchSubmitter(
    AssetQueryValidator validator,
    CaseRegistry cases,
    UnitCatalog catalog,
    IBatchStore store,
    BatchSignals signals,
    IAuditTrail audit,
    KeyedHasher hasher,
    TimeProvider timeProvider,
    ILogger<BatchSubmitter> logger)
{
    /// <summary>Row problems listed in one refusal; the rest are counted. Keeps the message (a gRPC header) small.</summary>
    public const int MaxListedProblems = 20;

    public async Task<Batch> SubmitAsync(SubmitBatchRequest request, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (request.Rows.Count == 0)
        {
            throw ApiErrors.InvalidArgument("rows", "at least one row is required: each row gives idNumber or creditCode, and name");
        }

        if (request.Rows.Count > BatchesOptions.MaxRows)
        {
            throw ApiErrors.InvalidArgument("rows", $"at most {BatchesOptions.MaxRows:N0} rows per batch (got {request.Rows.Count:N0}); split the list into several batches");
        }

        var today = validator.Today;
        CaseNumber? batchCase = null;
        if (request.CaseNumber.Length > 0 && !AssetQueryValidator.TryCaseNumber(request.CaseNumber, "caseNumber", today, out batchCase, out var caseProblem))
        {
            throw ApiErrors.InvalidArgument(caseProblem.Field, caseProblem.Reason);
        }

        var assetKinds = validator.ValidateAssetKinds(request.AssetKinds);
        var subjects = ValidateRows(request.Rows, batchCase, today);

        var batchId = Guid.CreateVersion7(timeProvider.GetUtcNow()).ToString();
        var actor = AuditActor.From(user);
        await CheckPurposesAsync(subjects, user, actor, batchId, cancellationToken);

        var units = catalog.UnitsAnswering(assetKinds);
        var batch = new NewBatch(
            batchId,
            new BatchOwner(actor.Subject, actor.Roles, user.FindFirstValue(GatewayClaimTypes.Court)),
            batchCase?.ToString(),
            assetKinds,
            request.Fresh,
            request.Rows.Count,
            [.. subjects.Select(s => s.ToNew(hasher))],
            [.. units.Select(u => new BatchUnit(u.Id, u.Name))],
            timeProvider.GetUtcNow());
        await store.CreateAsync(batch, cancellationToken);
        signals.WorkSubmitted();
        Log.Submitted(logger, batchId, actor.Subject, request.Rows.Count, subjects.Count, units.Count);
        return await store.GetAsync(batchId, actor.Subject, cancellationToken)
            ?? throw new InvalidOperationException("A batch just stored could not be read back.");
    }

    /// <summary>
    /// Checks every row, collecting every problem, and folds duplicates. Folding happens only on valid rows, on the
    /// canonical identifier, so "33...x" and "33...X" are one subject.
    /// </summary>
    private static List<SubjectDraft> ValidateRows(IList<BatchRow> rows, CaseNumber? batchCase, DateOnly today)
    {
        var problems = new List<FieldProblem>();
        var subjects = new List<SubjectDraft>(rows.Count);
        var byKey = new Dictionary<(string Identifier, string Case), SubjectDraft>();
        // Thousands of rows usually name a handful of cases: parse each once.
        var parsedCases = new Dictionary<string, (CaseNumber? Case, string? Error)>(StringComparer.Ordinal);
        for (var i = 0; i < rows.Count; i++)
        {
            var field = $"rows[{i}]";
            var row = rows[i];
            var identifier = row.IdentifierCase switch
            {
                BatchRow.IdentifierOneofCase.IdNumber => row.IdNumber,
                BatchRow.IdentifierOneofCase.CreditCode => row.CreditCode,
                _ => string.Empty,
            };
            var kind = row.IdentifierCase switch
            {
                BatchRow.IdentifierOneofCase.IdNumber => Subject.IdentifierOneofCase.IdNumber,
                BatchRow.IdentifierOneofCase.CreditCode => Subject.IdentifierOneofCase.CreditCode,
                _ => Subject.IdentifierOneofCase.None,
            };
            var subjectValid = AssetQueryValidator.TrySubject(kind, identifier, row.Name, field, today, out var subject, out var subjectProblem);
            if (!subjectValid)
            {
                problems.Add(subjectProblem);
            }

            CaseNumber? caseNumber;
            if (row.CaseNumber.Length == 0)
            {
                caseNumber = batchCase;
                if (caseNumber is null)
                {
                    problems.Add(new FieldProblem($"{field}.caseNumber", "is required: give the row its case number, or the batch a caseNumber"));
                }
            }
            else
            {
                if (!parsedCases.TryGetValue(row.CaseNumber, out var parsed))
                {
                    parsed = AssetQueryValidator.TryCaseNumber(row.CaseNumber, "caseNumber", today, out var value, out var problem)
                        ? (value, null)
                        : (null, problem.Reason);
                    parsedCases[row.CaseNumber] = parsed;
                }

                caseNumber = parsed.Case;
                if (parsed.Error is not null)
                {
                    problems.Add(new FieldProblem($"{field}.caseNumber", parsed.Error));
                }
            }

            if (!subjectValid || caseNumber is null || problems.Count > 0)
            {
                continue;
            }

            var canonical = subject!.HasIdNumber ? subject.IdNumber : subject.CreditCode;
            var key = (canonical, caseNumber.ToString());
            if (byKey.TryGetValue(key, out var earlier))
            {
                earlier.Rows.Add(i);
                continue;
            }

            var draft = new SubjectDraft(subjects.Count, [i], caseNumber, subject);
            byKey[key] = draft;
            subjects.Add(draft);
        }

        if (problems.Count > 0)
        {
            throw RowErrors(StatusCode.InvalidArgument, problems);
        }

        return subjects;
    }

    private async Task CheckPurposesAsync(
        List<SubjectDraft> subjects, ClaimsPrincipal user, AuditActor actor, string batchId, CancellationToken cancellationToken)
    {
        var problems = new List<FieldProblem>();
        var refused = new List<(SubjectDraft Subject, string Reason)>();
        foreach (var subject in subjects)
        {
            var decision = await cases.CheckAsync(user, subject.Case, subject.Identifier, cancellationToken);
            if (!decision.Allowed)
            {
                var reason = decision.Reason ?? "this query is not allowed under that case";
                refused.Add((subject, reason));
                problems.Add(new FieldProblem($"rows[{subject.Rows[0]}]", reason));
            }
        }

        if (refused.Count == 0)
        {
            return;
        }

        // Each refusal is on record, as a refused single query is: who tried to look up whom, under which case, why not.
        foreach (var (subject, reason) in refused)
        {
            try
            {
                await audit.AppendAsync(new AccessRecord
                {
                    Kind = AuditKinds.BatchRow,
                    RequestId = $"{batchId}/{subject.Position}",
                    Actor = actor,
                    PurposeKind = AuditPurposeKinds.Case,
                    Purpose = subject.Case.ToString(),
                    SubjectIdentifier = subject.Identifier,
                    Outcome = AuditOutcomes.Denied,
                    Detail = $"batch refused at submission: {reason}",
                }, CancellationToken.None);
            }
            catch (AuditUnavailableException)
            {
                throw AuditErrors.Unavailable();
            }
        }

        Log.Refused(logger, batchId, actor.Subject, refused.Count, subjects.Count);
        throw RowErrors(StatusCode.PermissionDenied, problems);
    }

    /// <summary>
    /// One refusal for many rows: "rows[12].idNumber: reason; rows[40].caseNumber: reason", at most
    /// <see cref="MaxListedProblems"/> of them, then "rows: N problems in all, the first 20 listed" when there are more.
    /// Each part has the "field: reason" form of every refusal, so REST problem details list them as errors.
    /// </summary>
    public static RpcException RowErrors(StatusCode code, IReadOnlyList<FieldProblem> problems)
    {
        var listed = problems.Take(MaxListedProblems).Select(p => p.ToString());
        if (problems.Count > MaxListedProblems)
        {
            listed = listed.Append($"rows: {problems.Count} problems in all, the first {MaxListedProblems} listed");
        }

        return new RpcException(new Status(code, string.Join("; ", listed)));
    }

    private sealed record SubjectDraft(int Position, List<int> Rows, CaseNumber Case, Subject Subject)
    {
        public string Identifier => Subject.HasIdNumber ? Subject.IdNumber : Subject.CreditCode;

        public NewBatchSubject ToNew(KeyedHasher hasher) => new(
            Position,
            Rows,
            Case.ToString(),
            Subject.HasIdNumber ? IdentifierKind.IdNumber : IdentifierKind.CreditCode,
            Identifier,
            hasher.Hash(Identifier),
            Subject.HasIdNumber ? Masking.MaskIdNumber(Identifier) : Masking.MaskCreditCode(Identifier),
            Subject.Name);
    }

    private static partial class Log
    {
        // Counts and ids only: rows name people.
        [LoggerMessage(EventId = 60, Level = LogLevel.Information,
            Message = "Batch {BatchId} submitted by {Owner}: {RowCount} rows, {SubjectCount} subjects, {UnitCount} units each")]
        public static partial void Submitted(ILogger logger, string batchId, string owner, int rowCount, int subjectCount, int unitCount);

        [LoggerMessage(EventId = 61, Level = LogLevel.Warning,
            Message = "Batch {BatchId} of {Owner} refused: the purpose check refused {RefusedCount} of {SubjectCount} subjects")]
        public static partial void Refused(ILogger logger, string batchId, string owner, int refusedCount, int subjectCount);
    }
}
