namespace DataGateway.Domain.Audit;

/// <summary>
/// One entry of the audit trail: who accessed data about whom, under which purpose, what was asked and returned, and
/// how it ended. Records form a hash chain: each carries the hash of the one before (<see cref="PreviousHash"/>) and
/// its own (<see cref="Hash"/>, see <see cref="AuditChain.ComputeHash"/>), so changing, removing or inserting a stored
/// record breaks the chain at that record.
/// </summary>
public sealed record AuditRecord
{
    /// <summary>Position in the trail, 1 for the first record, without gaps.</summary>
    public required long Sequence { get; init; }

    /// <summary>When the gateway recorded the access (UTC).</summary>
    public required DateTimeOffset RecordedAt { get; init; }

    /// <summary>What kind of access it was; one of <see cref="AuditKinds"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>The gateway's id of the request (a query id, a batch row id ...), to join with logs and answers.</summary>
    public required string RequestId { get; init; }

    /// <summary>The caller's <c>sub</c> claim.</summary>
    public required string ActorSubject { get; init; }

    /// <summary>The caller's roles, sorted (ordinal) and joined with commas, e.g. <c>auditor,judge</c>.</summary>
    public required string ActorRoles { get; init; }

    /// <summary>The unit the caller speaks for (<c>unit_id</c> claim), if any.</summary>
    public string? ActorUnitId { get; init; }

    /// <summary>The kind of legal basis; one of <see cref="AuditPurposeKinds"/>.</summary>
    public required string PurposeKind { get; init; }

    /// <summary>The case number or notarial file number, in canonical form; null when <see cref="PurposeKind"/> is none.</summary>
    public string? Purpose { get; init; }

    /// <summary>
    /// The subject as a keyed hash (HMAC-SHA256 under the deployment's key, hex) of its canonical identifier: an auditor
    /// who knows the ID number can search for it, but the trail holds no ID number.
    /// </summary>
    public string? SubjectHash { get; init; }

    /// <summary>Catalog ids of the units asked, in the order they were asked.</summary>
    public IReadOnlyList<string> UnitsAsked { get; init; } = [];

    /// <summary>Codes of the data items returned to the caller (e.g. <c>ENF-RE-UNITS</c>).</summary>
    public IReadOnlyList<string> ItemsReturned { get; init; } = [];

    /// <summary>How the access ended; one of <see cref="AuditOutcomes"/>.</summary>
    public required string Outcome { get; init; }

    /// <summary>Free text (never an identifier of a person): why it was denied, which filter an auditor used ...</summary>
    public string? Detail { get; init; }

    /// <summary>Whether the answer came from the gateway's cache instead of the units.</summary>
    public bool FromCache { get; init; }

    /// <summary>The <see cref="Hash"/> of the record before; <see cref="AuditChain.GenesisHash"/> for the first.</summary>
    public required string PreviousHash { get; init; }

    /// <summary>SHA-256 (lower-case hex) of <see cref="PreviousHash"/> and this record's content.</summary>
    public required string Hash { get; init; }
}

/// <summary>The kinds of data access the trail records.</summary>
public static class AuditKinds
{
    /// <summary>An integrated asset query (集成查询).</summary>
    public const string AssetQuery = "asset-query";

    /// <summary>One subject's row of a batch query.</summary>
    public const string BatchRow = "batch-row";

    /// <summary>One data item of an estate inquiry.</summary>
    public const string EstateItem = "estate-item";

    /// <summary>A collaboration matter (control action) sent to a unit.</summary>
    public const string Matter = "matter";

    /// <summary>A unit's feedback on a matter.</summary>
    public const string Feedback = "feedback";

    /// <summary>A request passed through to a unit's own HTTP system.</summary>
    public const string PassThrough = "pass-through";

    /// <summary>An auditor's search of the trail itself.</summary>
    public const string AuditSearch = "audit-search";

    /// <summary>Every kind, in the order help texts list them.</summary>
    public static IReadOnlyList<string> All { get; } = [AssetQuery, BatchRow, EstateItem, Matter, Feedback, PassThrough, AuditSearch];

    /// <summary>Whether <paramref name="kind"/> is one of <see cref="All"/> (exact).</summary>
    public static bool IsKnown(string? kind) => kind is not null && All.Contains(kind, StringComparer.Ordinal);
}

/// <summary>How a recorded access ended.</summary>
public static class AuditOutcomes
{
    /// <summary>Data was returned (possibly an explicit "nothing found").</summary>
    public const string Answered = "answered";

    /// <summary>Refused for the caller's role or purpose.</summary>
    public const string Denied = "denied";

    /// <summary>Refused because the request was not valid.</summary>
    public const string Invalid = "invalid";

    /// <summary>The gateway could not answer.</summary>
    public const string Failed = "failed";

    /// <summary>
    /// Passed on to a unit's own HTTP API (pass-through), recorded while the call is on its way and durable before the
    /// unit's answer reaches the caller. The gateway does not read that answer; a call that then fails (no response, or
    /// the unit answers 5xx) adds a <see cref="Failed"/> record under the same request id.
    /// </summary>
    public const string Forwarded = "forwarded";

    /// <summary>Every outcome.</summary>
    public static IReadOnlyList<string> All { get; } = [Answered, Denied, Invalid, Failed, Forwarded];

    /// <summary>Whether <paramref name="outcome"/> is one of <see cref="All"/> (exact).</summary>
    public static bool IsKnown(string? outcome) => outcome is not null && All.Contains(outcome, StringComparer.Ordinal);
}

/// <summary>The legal bases an access can be made under.</summary>
public static class AuditPurposeKinds
{
    /// <summary>An enforcement case number, e.g. <c>(2023)浙0604执1234号</c>.</summary>
    public const string Case = "case";

    /// <summary>A notarial file number (estate inquiries).</summary>
    public const string NotarialFile = "notarial-file";

    /// <summary>No purpose applies (an auditor's search).</summary>
    public const string None = "none";

    /// <summary>Every purpose kind.</summary>
    public static IReadOnlyList<string> All { get; } = [Case, NotarialFile, None];

    /// <summary>Whether <paramref name="purposeKind"/> is one of <see cref="All"/> (exact).</summary>
    public static bool IsKnown(string? purposeKind) => purposeKind is not null && All.Contains(purposeKind, StringComparer.Ordinal);
}
