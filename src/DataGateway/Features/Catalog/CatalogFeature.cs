using System.ComponentModel.DataAnnotations;
using DataGateway.Domain.Catalog;

namespace DataGateway.Features.Catalog;

/// <summary>Settings of the "Catalog" section.</summary>
public sealed class CatalogOptions
{
    /// <summary>Folder holding units.json, unit-kinds.json, data-items.json, asset-kinds.json. Default "config".</summary>
    [Required]
    public string Directory { get; set; } = "config";
}

internal static class CatalogFeature
{
    /// <summary>
    /// Loads and validates the catalog while the host is being built, so a broken catalog (duplicate id, unknown
    /// kind, an item no unit serves) stops start-up with a message naming the entry, before any port is bound.
    /// </summary>
    public static WebApplicationBuilder AddCatalog(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Catalog").Get<CatalogOptions>() ?? new CatalogOptions();
        var catalog = UnitCatalog.Load(ConfigPaths.Resolve(options.Directory));
        builder.Services.AddSingleton(catalog);
        return builder;
    }
}
