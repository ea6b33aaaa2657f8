using System.ComponentModel.DataAnnotations;
using DataGateway.Features.Store;

namespace DataGateway.Features.Batches;

/// <summary>Settings of the "Batches" section: batch asset queries run in the background.</summary>
public sealed class BatchesOptions
{
    /// <summary>Rows one batch may have. Fixed by the contract, not configurable: larger lists are split by the client.</summary>
    public const int MaxRows = 10_000;

    /// <summary>
    /// Subjects this replica asks about at once, across all batches. Each subject fans out to its units through their
    /// concurrency limits, so this bounds the gateway's own memory and queueing, not the units' load. Default 64.
    /// </summary>
    [Range(1, 4096)]
    public int MaxSubjectsInFlight { get; set; } = 64;

    /// <summary>
    /// Run batches on this replica. Default true; a replica that only serves requests can set it to false, and the
    /// batches it accepts are run by the others sharing the store.
    /// </summary>
    public bool RunnerEnabled { get; set; } = true;

    /// <summary>
    /// This replica's name on the subjects it has leased. At start a replica takes back the leases its previous
    /// process left (a crash or kill), so two replicas sharing a store must have different names. Default: the machine
    /// name.
    /// </summary>
    [MaxLength(128)]
    public string? ReplicaId { get; set; }

    /// <summary>
    /// How long a leased subject stays with its replica before another may take it (a replica that died holding it).
    /// Always at least twice the query deadline, so a live replica never loses a subject it is still asking about.
    /// Default 120.
    /// </summary>
    [Range(5, 86_400)]
    public int LeaseSeconds { get; set; } = 120;

    /// <summary>
    /// How often an idle runner looks for work submitted to other replicas, and how often a watcher re-reads progress
    /// made on other replicas; work submitted to or progress made on this replica is noticed at once. Default 5.
    /// </summary>
    [Range(1, 3600)]
    public int PollSeconds { get; set; } = 5;

    /// <summary>The replica name in use: <see cref="ReplicaId"/>, else the machine name.</summary>
    public string EffectiveReplicaId => string.IsNullOrWhiteSpace(ReplicaId) ? Environment.MachineName : ReplicaId;
}

internal static class BatchesFeature
{
    public static WebApplicationBuilder AddBatches(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<BatchesOptions>().BindConfiguration("Batches").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddStoreSchema(SqliteBatchStore.Module, SqliteBatchStore.Migrations, SqliteBatchStore.Migrations /* PORT: PostgreSQL migrations */);
        builder.Services.AddSingleton<IBatchStore, SqliteBatchStore>();
        builder.Services.AddSingleton<BatchSignals>();
        builder.Services.AddSingleton<BatchSubmitter>();
        builder.Services.AddSingleton<BatchSubjectAsker>();
        builder.Services.AddSingleton<BatchRunner>();
        // Registered after AddStore's migrator, and hosted services start in order: the tables exist by now.
        builder.Services.AddHostedService(services => services.GetRequiredService<BatchRunner>());
        return builder;
    }
}
