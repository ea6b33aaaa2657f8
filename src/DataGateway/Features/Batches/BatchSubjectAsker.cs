using System.Security.Claims;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Audit;
using DataGateway.Domain.Catalog;
using DataGateway.Domain.Identity;
using DataGateway.Domain.Purposes;
using DataGateway.Features.Audit;
using DataGateway.Features.Cases;
using DataGateway.Features.Enforcement;
using DataGateway.Features.Privacy;
using DataGateway.Features.Units;

namespace DataGateway.Features.Batches;

/// <summary>
/// Asks the units about one subject of a batch, as a single query would: the purpose check again (the case may have
/// been closed or reassigned since the batch was submitted), the fan-out (<see cref="AskAsync"/>), and one
/// <c>batch-row</c> record in the audit trail (<see cref="RecordAsync"/>), written before the answers are stored. The
/// two steps are separate so the runner can ask about the next subject while this one's access is being recorded: only
/// the first holds the units. An abandoned question (the batch cancelled, the gateway stopping) returned nothing and is
/// not recorded; the subject is asked again later, and recorded then.
/// </summary>
internal sealed class BatchSubjectAsker(
    CaseRegistry cases,
    UnitCatalog catalog,
    UnitFanOut fanOut,
    IAuditTrail audit,
    KeyedHasher hasher)
{
    /// <summary>Checks the purpose and, when it holds, asks the units. Nothing is recorded yet: <see cref="RecordAsync"/> must follow.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled: nothing was asked, or the answers are abandoned.</exception>
    public async Task<AskedSubject> AskAsync(LeasedSubject subject, CancellationToken cancellationToken)
    {
        // An asset kind dropped from the catalog since submission is no longer asked; an empty list would mean "all".
        var kinds = subject.AssetKinds.Where(k => catalog.TryGetAssetKind(k, out _)).ToList();
        IReadOnlyList<UnitDefinition> units = subject.AssetKinds.Count > 0 && kinds.Count == 0 ? [] : catalog.UnitsAnswering(kinds);
        var record = new AccessRecord
        {
            Kind = AuditKinds.BatchRow,
            RequestId = $"{subject.BatchId}/{subject.Position}",
            Actor = new AuditActor(subject.Owner.Subject, subject.Owner.Roles, null),
            PurposeKind = AuditPurposeKinds.Case,
            Purpose = subject.CaseNumber,
            SubjectIdentifier = subject.Identifier,
            UnitsAsked = [.. units.Select(u => u.Id)],
            Outcome = AuditOutcomes.Answered,
        };

        // Stored case numbers are canonical and were checked at submission; the year bound is not re-applied.
        if (!CaseNumber.TryParse(subject.CaseNumber, DateOnly.MaxValue, out var caseNumber, out var caseError))
        {
            throw new InvalidOperationException($"Batch {subject.BatchId} holds a case number that does not parse: {caseError}");
        }

        var decision = await cases.CheckAsync(OwnerPrincipal(subject.Owner), caseNumber, subject.Identifier, cancellationToken);
        if (!decision.Allowed)
        {
            var reason = decision.Reason ?? "this query is not allowed under that case";
            return new AskedSubject(
                new SubjectOutcome(BatchSubjectState.Denied, [], reason),
                record with { UnitsAsked = [], Outcome = AuditOutcomes.Denied, Detail = reason });
        }

        var question = new AnswerQueryRequest
        {
            RequestId = record.RequestId,
            Purpose = new Purpose { CaseNumber = subject.CaseNumber },
            Subject = subject.Kind == IdentifierKind.IdNumber
                ? new Subject { IdNumber = subject.Identifier, Name = subject.Name }
                : new Subject { CreditCode = subject.Identifier, Name = subject.Name },
            AssetKinds = { kinds },
            RequesterHash = hasher.Hash(subject.Owner.Subject),
        };
        var answers = await fanOut.AskAsync(units, new UnitQuestion(question, hasher.Hash(subject.Identifier), subject.Fresh), cancellationToken);
        // A unit may have turned the cancellation into a status; an abandoned question's answers are never kept.
        cancellationToken.ThrowIfCancellationRequested();

        return new AskedSubject(
            new SubjectOutcome(BatchSubjectState.Answered, answers, null),
            record with
            {
                ItemsReturned = [.. answers.SelectMany(a => a.Assets).Select(a => a.DataItem).Distinct(StringComparer.Ordinal)],
                FromCache = answers.Any(a => a.FromCache),
                Detail = UnitStatusNames.Tally(answers),
            });
    }

    /// <summary>Writes the subject's one record of the access (answered or denied); its outcome may be stored only after this.</summary>
    /// <exception cref="AuditUnavailableException">The access could not be recorded; the answers must not be stored.</exception>
    public async Task<SubjectOutcome> RecordAsync(AskedSubject asked)
    {
        // Not cancellable: once units have answered (or the purpose check refused), the access has happened and must be on record.
        await audit.AppendAsync(asked.Record, CancellationToken.None);
        return asked.Outcome;
    }

    /// <summary>The submitting judge, as far as the purpose check reads a token: sub, roles, court.</summary>
    private static ClaimsPrincipal OwnerPrincipal(BatchOwner owner)
    {
        var claims = new List<Claim> { new(GatewayClaimTypes.Subject, owner.Subject) };
        claims.AddRange(owner.Roles.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => new Claim(GatewayClaimTypes.Roles, r)));
        if (owner.CourtCode is not null)
        {
            claims.Add(new Claim(GatewayClaimTypes.Court, owner.CourtCode));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, "batch-owner", GatewayClaimTypes.Name, GatewayClaimTypes.Roles));
    }
}

/// <summary>A subject asked about (or refused by the purpose check), with the record of that access still to be written.</summary>
internal sealed record AskedSubject(SubjectOutcome Outcome, AccessRecord Record);
