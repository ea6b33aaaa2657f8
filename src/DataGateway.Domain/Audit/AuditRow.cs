using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace DataGateway.Domain.Audit;

/// <summary>
/// An audit record as the audit_records table stores it: one column per field, lists as JSON arrays of strings,
/// <c>recorded_at</c> as canonical UTC text (<see cref="AuditRecordEncoding.TimestampFormat"/>, which also sorts in time
/// order), <c>from_cache</c> as 0 or 1. Shared by the gateway and <c>dgw audit verify</c>, which both read the table.
/// </summary>
public sealed record AuditRow
{
    /// <summary>The table.</summary>
    public const string Table = "audit_records";

    /// <summary>The SELECT list that maps the table's columns onto this type's properties (for Dapper).</summary>
    public const string SelectColumns = """
        sequence AS Sequence, recorded_at AS RecordedAt, kind AS Kind, request_id AS RequestId,
        actor_subject AS ActorSubject, actor_roles AS ActorRoles, actor_unit_id AS ActorUnitId,
        purpose_kind AS PurposeKind, purpose AS Purpose, subject_hash AS SubjectHash,
        units_asked AS UnitsAsked, items_returned AS ItemsReturned, outcome AS Outcome, detail AS Detail,
        from_cache AS FromCache, previous_hash AS PreviousHash, hash AS Hash
        """;

    public long Sequence { get; init; }

    public string RecordedAt { get; init; } = string.Empty;

    public string Kind { get; init; } = string.Empty;

    public string RequestId { get; init; } = string.Empty;

    public string ActorSubject { get; init; } = string.Empty;

    public string ActorRoles { get; init; } = string.Empty;

    public string? ActorUnitId { get; init; }

    public string PurposeKind { get; init; } = string.Empty;

    public string? Purpose { get; init; }

    public string? SubjectHash { get; init; }

    public string UnitsAsked { get; init; } = "[]";

    public string ItemsReturned { get; init; } = "[]";

    public string Outcome { get; init; } = string.Empty;

    public string? Detail { get; init; }

    public long FromCache { get; init; }

    public string PreviousHash { get; init; } = string.Empty;

    public string Hash { get; init; } = string.Empty;

    /// <summary>The row that stores <paramref name="record"/>.</summary>
    public static AuditRow From(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new AuditRow
        {
            Sequence = record.Sequence,
            RecordedAt = AuditRecordEncoding.FormatTimestamp(record.RecordedAt),
            Kind = record.Kind,
            RequestId = record.RequestId,
            ActorSubject = record.ActorSubject,
            ActorRoles = record.ActorRoles,
            ActorUnitId = record.ActorUnitId,
            PurposeKind = record.PurposeKind,
            Purpose = record.Purpose,
            SubjectHash = record.SubjectHash,
            UnitsAsked = FormatList(record.UnitsAsked),
            ItemsReturned = FormatList(record.ItemsReturned),
            Outcome = record.Outcome,
            Detail = record.Detail,
            FromCache = record.FromCache ? 1 : 0,
            PreviousHash = record.PreviousHash,
            Hash = record.Hash,
        };
    }

    /// <summary>
    /// The record this row stores. Fails when a column is not exactly what <see cref="From"/> writes: a changed byte
    /// that still parsed (a space in a JSON list, <c>+00:00</c> for <c>Z</c>) would otherwise slip past the hash.
    /// </summary>
    public bool TryToRecord([NotNullWhen(true)] out AuditRecord? record, [NotNullWhen(false)] out string? error)
    {
        record = null;
        if (!AuditRecordEncoding.TryParseTimestamp(RecordedAt, out var recordedAt))
        {
            error = "recorded_at is not a timestamp in the canonical form";
            return false;
        }

        if (!TryParseList(UnitsAsked, out var unitsAsked))
        {
            error = "units_asked is not a JSON list of strings in the canonical form";
            return false;
        }

        if (!TryParseList(ItemsReturned, out var itemsReturned))
        {
            error = "items_returned is not a JSON list of strings in the canonical form";
            return false;
        }

        if (FromCache is not (0 or 1))
        {
            error = "from_cache is neither 0 nor 1";
            return false;
        }

        error = null;
        record = new AuditRecord
        {
            Sequence = Sequence,
            RecordedAt = recordedAt,
            Kind = Kind,
            RequestId = RequestId,
            ActorSubject = ActorSubject,
            ActorRoles = ActorRoles,
            ActorUnitId = ActorUnitId,
            PurposeKind = PurposeKind,
            Purpose = Purpose,
            SubjectHash = SubjectHash,
            UnitsAsked = unitsAsked,
            ItemsReturned = itemsReturned,
            Outcome = Outcome,
            Detail = Detail,
            FromCache = FromCache == 1,
            PreviousHash = PreviousHash,
            Hash = Hash,
        };
        return true;
    }

    private static string FormatList(IReadOnlyList<string> values) => JsonSerializer.Serialize(values);

    private static bool TryParseList(string text, [NotNullWhen(true)] out IReadOnlyList<string>? values)
    {
        values = null;
        try
        {
            var parsed = JsonSerializer.Deserialize<string[]>(text);
            if (parsed is null || parsed.Any(v => v is null) || !string.Equals(FormatList(parsed), text, StringComparison.Ordinal))
            {
                return false;
            }

            values = parsed;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
