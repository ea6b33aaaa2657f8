using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace DataGateway.Domain.Audit;

/// <summary>
/// The canonical bytes of an audit record, the input of its hash. Every field is length-prefixed, so no two different
/// records encode alike (no separator can be forged inside a value) and a verifier in any language can rebuild them:
/// <code>
/// text(s)   = uint32 big-endian byte length of UTF-8(s), then those bytes; null = 0xFFFFFFFF and no bytes
/// int64(n)  = 8 bytes, big-endian
/// bool(b)   = 1 byte, 0 or 1
/// list(l)   = uint32 big-endian element count, then text(e) for each element
/// record    = text("datagateway.audit.v1")
///             text(previous_hash) int64(sequence) text(recorded_at)
///             text(kind) text(request_id) text(actor_subject) text(actor_roles) text(actor_unit_id)
///             text(purpose_kind) text(purpose) text(subject_hash)
///             list(units_asked) list(items_returned)
///             text(outcome) text(detail) bool(from_cache)
/// hash      = lower-case hex of SHA-256(record)
/// </code>
/// recorded_at is UTC in <see cref="TimestampFormat"/> (7 fractional digits, so no .NET tick is lost), exactly as the
/// audit_records table stores it.
/// </summary>
public static class AuditRecordEncoding
{
    /// <summary>Names this layout; a later layout gets a new tag, so old records still verify under the old one.</summary>
    public const string FormatTag = "datagateway.audit.v1";

    /// <summary>The one text form of <see cref="AuditRecord.RecordedAt"/>, e.g. <c>2025-06-01T09:00:00.0000000Z</c>.</summary>
    public const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    private const uint NullLength = uint.MaxValue;

    /// <summary>The canonical form of a timestamp: UTC, <see cref="TimestampFormat"/>.</summary>
    public static string FormatTimestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    /// <summary>Parses a timestamp that must be exactly in its canonical form.</summary>
    public static bool TryParseTimestamp(string? text, out DateTimeOffset value)
    {
        if (DateTimeOffset.TryParseExact(text, TimestampFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value))
        {
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>
    /// The bytes <see cref="AuditChain.ComputeHash"/> hashes: <paramref name="previousHash"/> and the record's content
    /// (every field except <see cref="AuditRecord.PreviousHash"/> and <see cref="AuditRecord.Hash"/>).
    /// </summary>
    public static byte[] Encode(string previousHash, AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(previousHash);
        ArgumentNullException.ThrowIfNull(record);
        var buffer = new ArrayBufferWriter<byte>(512);
        WriteText(buffer, FormatTag);
        WriteText(buffer, previousHash);
        WriteInt64(buffer, record.Sequence);
        WriteText(buffer, FormatTimestamp(record.RecordedAt));
        WriteText(buffer, record.Kind);
        WriteText(buffer, record.RequestId);
        WriteText(buffer, record.ActorSubject);
        WriteText(buffer, record.ActorRoles);
        WriteText(buffer, record.ActorUnitId);
        WriteText(buffer, record.PurposeKind);
        WriteText(buffer, record.Purpose);
        WriteText(buffer, record.SubjectHash);
        WriteList(buffer, record.UnitsAsked);
        WriteList(buffer, record.ItemsReturned);
        WriteText(buffer, record.Outcome);
        WriteText(buffer, record.Detail);
        buffer.GetSpan(1)[0] = record.FromCache ? (byte)1 : (byte)0;
        buffer.Advance(1);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteText(ArrayBufferWriter<byte> buffer, string? value)
    {
        if (value is null)
        {
            WriteUInt32(buffer, NullLength);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        WriteUInt32(buffer, (uint)length);
        Encoding.UTF8.GetBytes(value, buffer.GetSpan(length));
        buffer.Advance(length);
    }

    private static void WriteList(ArrayBufferWriter<byte> buffer, IReadOnlyList<string> values)
    {
        WriteUInt32(buffer, (uint)values.Count);
        foreach (var value in values)
        {
            WriteText(buffer, value);
        }
    }

    private static void WriteUInt32(ArrayBufferWriter<byte> buffer, uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(buffer.GetSpan(4), value);
        buffer.Advance(4);
    }

    private static void WriteInt64(ArrayBufferWriter<byte> buffer, long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(buffer.GetSpan(8), value);
        buffer.Advance(8);
    }
}
