using System.ComponentModel.DataAnnotations;
using DataGateway.Features.Store;

namespace DataGateway.Features.Cases;

/// <summary>Settings of the "Cases" section: the case registry.</summary>
public sealed class CasesOptions
{
    /// <summary>
    /// Cases registered at start when <see cref="SeedOnStart"/> is on, relative to the gateway's folder. Each entry has
    /// the shape of a PutCase body. Default "config/cases.json".
    /// </summary>
    [Required]
    public string SeedFile { get; set; } = "config/cases.json";

    /// <summary>
    /// Register the cases of <see cref="SeedFile"/> at start, through the same validation as PutCase. Default false;
    /// allowed only in Development (true in appsettings.Development.json), where no court system pushes cases.
    /// </summary>
    public bool SeedOnStart { get; set; }

    /// <summary>
    /// How long, in seconds, a replica reuses a case it has read for the purpose check. A PutCase on the same replica
    /// takes effect at once; on other replicas after at most this long. Default 30; 0 reads the store every time.
    /// </summary>
    [Range(0, 300)]
    public int CacheSeconds { get; set; } = 30;
}

internal static class CasesFeature
{
    public static WebApplicationBuilder AddCases(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CasesOptions>().BindConfiguration("Cases").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddStoreSchema(CaseStore.Module, CaseStore.SqliteMigrations, CaseStore.PostgresMigrations);
        builder.Services.AddSingleton<CaseStore>();
        builder.Services.AddSingleton<CaseCache>();
        builder.Services.AddSingleton<CaseValidator>();
        builder.Services.AddSingleton<CaseRegistry>();
        builder.Services.AddSingleton<CaseSeeder>();
        // Registered after AddStore's migrator, and hosted services start in order: the tables exist by now.
        builder.Services.AddHostedService(services => services.GetRequiredService<CaseSeeder>());
        return builder;
    }
}
