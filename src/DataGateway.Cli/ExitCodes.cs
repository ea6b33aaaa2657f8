namespace DataGateway.Cli;

/// <summary>Process exit codes, the same for every command so scripts can tell a typo from a failure.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command was understood but could not be carried out (missing file, server error, ...).</summary>
    public const int Failure = 1;

    /// <summary>The command line itself is wrong: unknown option or value, missing required option.</summary>
    public const int Usage = 2;
}
