using System.ComponentModel.DataAnnotations;

namespace DataGateway.Features.Matters;

/// <summary>Settings of the "Matters" section: how matters are delivered to units. Deadlines are in "Sla" (config/sla.json).</summary>
public sealed class MatterOptions
{
    /// <summary>Wait before the first re-delivery of a matter a unit did not take; doubles per attempt. Default 5000 ms.</summary>
    [Range(100, 3_600_000)]
    public int RetryBaseDelayMs { get; set; } = 5000;

    /// <summary>Longest wait between two delivery attempts. Default 300000 ms (5 minutes).</summary>
    [Range(100, 86_400_000)]
    public int RetryMaxDelayMs { get; set; } = 300_000;

    /// <summary>
    /// How long a replica holds a delivery it has claimed; if it dies meanwhile, another replica takes the delivery over
    /// once the lease has expired. Longer than any unit's timeout. Default 60000 ms.
    /// </summary>
    [Range(1000, 3_600_000)]
    public int LeaseMs { get; set; } = 60_000;

    /// <summary>
    /// Longest the dispatcher sleeps before looking for due deliveries again (it wakes earlier for the next attempt it
    /// knows of and for matters filed on its own replica). Bounds how late another replica's retries are picked up when
    /// that replica died. Default 30000 ms.
    /// </summary>
    [Range(100, 3_600_000)]
    public int PollIntervalMs { get; set; } = 30_000;

    /// <summary>Deliveries claimed per round. Default 50.</summary>
    [Range(1, 10_000)]
    public int ClaimBatchSize { get; set; } = 50;

    /// <summary>Deliveries in flight at once on one replica. Default 8.</summary>
    [Range(1, 1000)]
    public int MaxConcurrentDeliveries { get; set; } = 8;

    /// <summary>
    /// The gateway's gRPC address that the embedded simulator sends its units' feedback to. Default null: the
    /// "Kestrel:Endpoints:Grpc:Url" setting (http://127.0.0.1:5081). Only used in Development, where the simulator can
    /// mint unit tokens with the development key.
    /// </summary>
    public Uri? SimulatorFeedbackUrl { get; set; }
}
