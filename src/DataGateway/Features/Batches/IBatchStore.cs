using DataGateway.Contracts.V1;
using DataGateway.Features.Cases;

namespace DataGateway.Features.Batches;

/// <summary>
/// Where batches and their per-subject results are kept. All of the feature's SQL is behind this seam
/// (<see cref="BatchStore"/>, on SQLite or PostgreSQL). Subjects are handed out to runners as leases (state, owner,
/// token, expiry), so several replicas sharing a store share the work without asking about a subject twice.
/// </summary>
internal interface IBatchStore
{
    /// <summary>Stores a new batch, QUEUED, with all its subjects PENDING, in one transaction.</summary>
    Task CreateAsync(NewBatch batch, CancellationToken cancellationToken);

    /// <summary>The batch with its progress, or null when there is none of that id submitted by <paramref name="owner"/>.</summary>
    Task<Batch?> GetAsync(string batchId, string owner, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="count"/> subjects from <paramref name="fromPosition"/>, in batch order; null when the batch is not the owner's.</summary>
    Task<BatchResultsPage?> ListResultsAsync(string batchId, string owner, int fromPosition, int count, CancellationToken cancellationToken);

    /// <summary>
    /// Cancels a QUEUED or RUNNING batch: every subject not yet finished becomes CANCELLED and loses its identifier.
    /// Returns the batch as it now stands (unchanged when already finished), or null when it is not the owner's.
    /// </summary>
    Task<Batch?> CancelAsync(string batchId, string owner, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: stores <paramref name="completions"/>, then leases subjects as <paramref name="claim"/> asks
    /// (none when it is null).
    /// <para>
    /// Storing marks each subject finished with its outcome, drops its plain identifier and updates its batch's counters
    /// (and state, when it was the last subject) and unit tallies. A completion whose lease is no longer held (the batch
    /// was cancelled, or the lease expired and another replica took the subject) stores nothing: its flag is false.
    /// </para>
    /// <para>
    /// Claiming leases up to <see cref="ClaimRequest.Limit"/> subjects until <see cref="ClaimRequest.LeaseUntil"/>: LEASED
    /// ones whose lease has expired (whichever replica held them), then PENDING ones, of QUEUED or RUNNING batches, oldest
    /// batch first. Replicas claiming at the same moment get disjoint subjects, and none waits for another.
    /// </para>
    /// </summary>
    Task<BatchWriteResult> WriteAsync(IReadOnlyList<SubjectCompletion> completions, ClaimRequest? claim, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Gives leased subjects back (PENDING) for any runner to take, when this runner will not finish them.</summary>
    Task ReleaseAsync(IReadOnlyCollection<LeasedSubject> subjects, CancellationToken cancellationToken);
}

/// <summary>The two halves of <see cref="IBatchStore.WriteAsync"/> on their own.</summary>
internal static class BatchStoreExtensions
{
    /// <summary>Leases up to <paramref name="limit"/> subjects to <paramref name="replicaId"/> (<see cref="IBatchStore.WriteAsync"/>).</summary>
    public static async Task<IReadOnlyList<LeasedSubject>> ClaimAsync(
        this IBatchStore store, string replicaId, int limit, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken) =>
        (await store.WriteAsync([], new ClaimRequest(replicaId, limit, leaseUntil), now, cancellationToken)).Claimed;

    /// <summary>Stores one subject's outcome (<see cref="IBatchStore.WriteAsync"/>); false when its lease is no longer held.</summary>
    public static async Task<bool> CompleteAsync(
        this IBatchStore store, LeasedSubject subject, SubjectOutcome outcome, DateTimeOffset now, CancellationToken cancellationToken) =>
        (await store.WriteAsync([new SubjectCompletion(subject, outcome)], null, now, cancellationToken)).Stored[0];
}

/// <summary>Who submitted a batch: what the runner needs to check the purpose and record each access in their name.</summary>
/// <param name="Subject">The token's <c>sub</c>.</param>
/// <param name="Roles">The token's roles, sorted and joined with commas, as <see cref="Audit.AuditActor"/> has them.</param>
/// <param name="CourtCode">The token's <c>court</c> claim, if any.</param>
internal sealed record BatchOwner(string Subject, string Roles, string? CourtCode);

/// <summary>A batch that passed every check, ready to be stored.</summary>
internal sealed record NewBatch(
    string BatchId,
    BatchOwner Owner,
    string? CaseNumber,
    IReadOnlyList<string> AssetKinds,
    bool Fresh,
    int RowsSubmitted,
    IReadOnlyList<NewBatchSubject> Subjects,
    IReadOnlyList<BatchUnit> Units,
    DateTimeOffset CreatedAt);

/// <summary>A unit a batch asks, as its tallies show it.</summary>
internal sealed record BatchUnit(string UnitId, string UnitName);

/// <summary>
/// One subject of a new batch, after folding duplicate rows. <see cref="Identifier"/> is kept in the store only until
/// the subject has been asked: the runner needs it to ask the units, possibly after a restart.
/// </summary>
internal sealed record NewBatchSubject(
    int Position,
    IReadOnlyList<int> Rows,
    string CaseNumber,
    IdentifierKind Kind,
    string Identifier,
    string IdentifierHash,
    string MaskedIdentifier,
    string Name);

/// <summary>A subject leased to this runner: everything needed to ask about it, and the token that proves the lease.</summary>
internal sealed record LeasedSubject(
    string BatchId,
    int Position,
    string LeaseToken,
    BatchOwner Owner,
    string CaseNumber,
    IdentifierKind Kind,
    string Identifier,
    string Name,
    IReadOnlyList<string> AssetKinds,
    bool Fresh);

/// <summary>How asking about one subject ended.</summary>
/// <param name="State">ANSWERED (units asked) or DENIED (the purpose check refused it at run time).</param>
/// <param name="Answers">One per unit asked; empty when denied.</param>
/// <param name="Detail">Why it was denied.</param>
internal sealed record SubjectOutcome(BatchSubjectState State, IReadOnlyList<UnitAnswer> Answers, string? Detail)
{
    /// <summary>Every unit answered (OK or NOT_FOUND), and the subject was asked at all.</summary>
    public bool Complete => State == BatchSubjectState.Answered && Answers.All(a => a.Status is UnitStatus.Ok or UnitStatus.NotFound);
}

/// <summary>A subject asked about, with how it ended: what <see cref="IBatchStore.WriteAsync"/> stores.</summary>
internal sealed record SubjectCompletion(LeasedSubject Subject, SubjectOutcome Outcome);

/// <summary>Subjects to lease to a replica: at most <paramref name="Limit"/>, until <paramref name="LeaseUntil"/>.</summary>
internal sealed record ClaimRequest(string ReplicaId, int Limit, DateTimeOffset LeaseUntil);

/// <summary>What <see cref="IBatchStore.WriteAsync"/> did: a flag per completion (in the order given), and the subjects leased, in batch order.</summary>
internal sealed record BatchWriteResult(IReadOnlyList<bool> Stored, IReadOnlyList<LeasedSubject> Claimed)
{
    /// <summary>The batches whose last subject this write stored (now COMPLETED).</summary>
    public IReadOnlyList<string> Finished { get; init; } = [];
}

/// <summary>A page of results and the number of subjects in the batch.</summary>
internal sealed record BatchResultsPage(IReadOnlyList<BatchResult> Results, int Total)
{
    /// <summary>Each result's subject as a keyed hash, in the same order: what the audit record of reading it names.</summary>
    public IReadOnlyList<string> SubjectHashes { get; init; } = [];
}
