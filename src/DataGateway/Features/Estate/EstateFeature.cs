using System.ComponentModel.DataAnnotations;
using DataGateway.Domain.Catalog;
using DataGateway.Features.Store;
using Microsoft.Extensions.Options;

namespace DataGateway.Features.Estate;

/// <summary>Settings of the "Estate" section: the estate one-stop for notaries.</summary>
public sealed class EstateOptions
{
    /// <summary>
    /// Deposit balances at or under this many yuan are flagged in the report: banks may pay them to the spouse, parents
    /// or children on a death certificate and proof of kinship, without an inheritance notarisation. Default 10000 (some
    /// banks allow 50000).
    /// </summary>
    [Range(typeof(decimal), "0", "1000000")]
    public decimal SmallDepositLimitYuan { get; set; } = 10_000m;
}

/// <summary>Stops start-up when the catalog's estate items do not fit the estate service's rules.</summary>
internal sealed class EstateCatalogCheck(EstateCatalog estate) : IValidateOptions<EstateOptions>
{
    public ValidateOptionsResult Validate(string? name, EstateOptions options) =>
        estate.Problems.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(estate.Problems.Select(p => "Estate: catalog " + p));
}

internal static class EstateFeature
{
    public static WebApplicationBuilder AddEstate(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<EstateOptions>().BindConfiguration("Estate").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(services => new EstateCatalog(services.GetRequiredService<UnitCatalog>()));
        builder.Services.AddSingleton<IValidateOptions<EstateOptions>, EstateCatalogCheck>();
        builder.Services.AddStoreSchema(EstateStore.Module, EstateStore.SqliteMigrations, EstateStore.PostgresMigrations);
        builder.Services.AddSingleton<IEstateStore, EstateStore>();
        builder.Services.AddSingleton<EstateInquiryValidator>();
        builder.Services.AddSingleton<EstateInquiryHandler>();
        return builder;
    }
}
