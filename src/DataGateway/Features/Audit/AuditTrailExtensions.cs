namespace DataGateway.Features.Audit;

/// <summary>The one way a request records its access before answering: written, or the request refused.</summary>
public static class AuditTrailExtensions
{
    /// <summary>
    /// Appends <paramref name="record"/>; if the trail cannot be written, throws <see cref="AuditErrors.Unavailable"/>,
    /// so nothing is answered. Never cancelled by the caller: once the access has happened (units asked, data read), it
    /// is recorded even if the caller has gone.
    /// </summary>
    public static Task RecordOrRefuseAsync(this IAuditTrail trail, AccessRecord record) => trail.RecordOrRefuseAsync([record]);

    /// <summary>As <see cref="RecordOrRefuseAsync(IAuditTrail, AccessRecord)"/>, for records written together (all or none).</summary>
    public static async Task RecordOrRefuseAsync(this IAuditTrail trail, IReadOnlyList<AccessRecord> records)
    {
        ArgumentNullException.ThrowIfNull(trail);
        try
        {
            await trail.AppendAllAsync(records, CancellationToken.None);
        }
        catch (AuditUnavailableException)
        {
            throw AuditErrors.Unavailable();
        }
    }
}
