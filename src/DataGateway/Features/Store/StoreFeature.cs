using Microsoft.Extensions.Options;

namespace DataGateway.Features.Store;

/// <summary>Applies migrations before the gateway accepts its first request.</summary>
internal sealed class StoreMigrator(GatewayStore store, IEnumerable<StoreSchema> schemas) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.MigrateAsync(schemas, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal static class StoreFeature
{
    public static WebApplicationBuilder AddStore(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StoreOptions>().BindConfiguration("Store").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<StoreOptions>, StoreOptionsValidator>();
        builder.Services.AddSingleton<GatewayStore>();
        builder.Services.AddHostedService<StoreMigrator>();
        return builder;
    }

    /// <summary>Registers a feature's tables, one migration per version for each engine; call from the feature's AddXxx.</summary>
    public static IServiceCollection AddStoreSchema(
        this IServiceCollection services, string module, IReadOnlyList<string> sqlite, IReadOnlyList<string> postgres) =>
        services.AddSingleton(new StoreSchema(module, sqlite, postgres));
}
