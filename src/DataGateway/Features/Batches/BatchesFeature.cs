using System.ComponentModel.DataAnnotations;
using DataGateway.Features.Store;

namespace DataGateway.Features.Batches;

/// <summary>Settings of the "Batches" section: batch asset queries run in the background.</summary>
public sealed class BatchesOptions
{
    /// <summary>Rows one batch may have. Fixed by the contract, not configurable: larger lists are split by the client.</summary>
    public const int MaxRows = 10_000;

    /// <summary>
    /// Subjects this replica asks the units about at once, across all batches. Each subject asks all its units at once,
    /// through their concurrency limits, so this is also the most calls batches put on one unit: about twice the units'
    /// <c>MaxConcurrency</c> keeps their slots busy while no call waits longer than about one call for a slot (a call that
    /// waits longer than the unit's timeout is refused as busy). Subjects whose units have answered, waiting for their
    /// audit record and result to be written, do not count. Default 64: twice the default concurrency, 32.
    /// </summary>
    [Range(1, 4096)]
    public int MaxSubjectsInFlight { get; set; } = 64;

    /// <summary>
    /// Run batches on this replica. Default true; a replica that only serves requests can set it to false, and the
    /// batches it accepts are run by the others sharing the store.
    /// </summary>
    public bool RunnerEnabled { get; set; } = true;

    /// <summary>
    /// A name for this replica, e.g. its pod or host name. Default: the machine name. The runner's id, on the subjects
    /// it leases and in its logs, is this name with the process id and a random suffix appended
    /// (<see cref="BatchReplica"/>), so it is unique per process even when names repeat. It is written to logs: use
    /// an infrastructure name, nothing about a person.
    /// </summary>
    [MaxLength(128)]
    public string? ReplicaId { get; set; }

    /// <summary>
    /// How long a leased subject stays with its replica before any replica may take it (the holder died, or was
    /// killed before it could give its leases back). Always at least twice the query deadline, so a live replica never
    /// loses a subject it is still asking about. Default 120.
    /// </summary>
    [Range(5, 86_400)]
    public int LeaseSeconds { get; set; } = 120;

    /// <summary>
    /// How often an idle runner looks for work submitted to other replicas, and how often a watcher re-reads progress
    /// made on other replicas; work submitted to or progress made on this replica is noticed at once. Default 5.
    /// </summary>
    [Range(1, 3600)]
    public int PollSeconds { get; set; } = 5;
}

internal static class BatchesFeature
{
    public static WebApplicationBuilder AddBatches(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<BatchesOptions>().BindConfiguration("Batches").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddStoreSchema(BatchStore.Module, BatchStore.Migrations, BatchStore.PostgresMigrations);
        builder.Services.AddSingleton<IBatchStore, BatchStore>();
        builder.Services.AddSingleton<BatchSignals>();
        builder.Services.AddSingleton<BatchSubmitter>();
        builder.Services.AddSingleton<BatchSubjectAsker>();
        builder.Services.AddSingleton<BatchWriter>();
        builder.Services.AddSingleton<BatchRunner>();
        // Registered after AddStore's migrator, and hosted services start in order: the tables exist by now.
        builder.Services.AddHostedService(services => services.GetRequiredService<BatchRunner>());
        return builder;
    }
}
