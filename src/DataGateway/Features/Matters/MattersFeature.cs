using DataGateway.Features.Store;

namespace DataGateway.Features.Matters;

/// <summary>
/// Collaboration matters: filing, delivery to units with durable retries, feedback, and (in Development with the
/// embedded simulator) the simulated units' answers. Needs the SLA feature's deadlines (AddSla).
/// </summary>
internal static class MattersFeature
{
    public static WebApplicationBuilder AddMatters(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<MatterOptions>().BindConfiguration("Matters").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddStoreSchema(MatterStore.Module, MatterStore.SqliteMigrations, MatterStore.PostgresMigrations);
        builder.Services.AddSingleton<IMatterStore, MatterStore>();
        builder.Services.AddSingleton<MatterValidator>();
        builder.Services.AddSingleton<MatterDelivery>();
        builder.Services.AddSingleton<MatterHandler>();
        builder.Services.AddSingleton<FeedbackHandler>();
        builder.Services.AddSingleton<MatterDispatcher>();
        // Registered after the store's migrator, and hosted services start in order: the table exists by now.
        builder.Services.AddHostedService(services => services.GetRequiredService<MatterDispatcher>());
        builder.Services.AddHostedService<SimulatorFeedbackConnector>();
        return builder;
    }
}
