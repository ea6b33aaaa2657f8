namespace DataGateway.Cli;

/// <summary>What commands take from their surroundings, so tests can supply their own clock and folders.</summary>
public sealed record CliContext
{
    /// <summary>The real clock and the folder dgw runs from.</summary>
    public static CliContext Default { get; } = new();

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Reads an environment variable (the process's own unless a test supplies another source).</summary>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Where config/ is found: the build copies it beside the binaries.</summary>
    public string BaseDirectory { get; init; } = AppContext.BaseDirectory;

    /// <summary>A file under <see cref="BaseDirectory"/>/config.</summary>
    public string ConfigFile(string fileName) => Path.Combine(BaseDirectory, "config", fileName);
}
