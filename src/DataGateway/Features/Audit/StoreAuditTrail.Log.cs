namespace DataGateway.Features.Audit;

internal sealed partial class StoreAuditTrail
{
    // Neither message carries the subject: only the request id, which leads to the record, where it is a keyed hash.
    private static partial class Log
    {
        [LoggerMessage(EventId = 60, Level = LogLevel.Debug, Message = "Audit record #{Sequence} appended: {Kind} {RequestId}, {Outcome}")]
        public static partial void Appended(ILogger logger, long sequence, string kind, string requestId, string outcome);

        [LoggerMessage(EventId = 61, Level = LogLevel.Error,
            Message = "The audit trail cannot be written; {Kind} {RequestId} is refused")]
        public static partial void AppendFailed(ILogger logger, Exception exception, string kind, string requestId);
    }
}
