namespace DataGateway.Features.Catalog;

/// <summary>
/// Resolves configured file and folder paths. Relative paths are taken from the gateway's own folder, where the
/// build copies config/, so the gateway finds its catalog whatever the working directory (dotnet run, tests, a service).
/// </summary>
internal static class ConfigPaths
{
    public static string Resolve(string path) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, path));
}
