using Microsoft.Extensions.Configuration.Json;

namespace DataGateway.Features.Catalog;

/// <summary>
/// Resolves configured file and folder paths. Relative paths are taken from the gateway's own folder, where the
/// build copies config/, so the gateway finds its catalog whatever the working directory (dotnet run, tests, a service).
/// </summary>
internal static class ConfigPaths
{
    public static string Resolve(string path) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, path));

    /// <summary>
    /// Adds a settings file from config/ (e.g. resilience.json) beneath every other source, so appsettings, the
    /// environment and the command line still override what it says.
    /// </summary>
    public static void AddDefaultsFromConfigFolder(this IConfigurationManager configuration, string fileName)
    {
        var source = new JsonConfigurationSource { Path = Resolve(Path.Combine("config", fileName)), Optional = true };
        source.ResolveFileProvider();
        configuration.Sources.Insert(0, source);
    }
}
