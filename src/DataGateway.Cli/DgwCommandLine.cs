using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using DataGateway.Cli.Commands;
using Spectre.Console;

namespace DataGateway.Cli;

/// <summary>The <c>dgw</c> command tree and how it is run; each command lives in Commands/.</summary>
public static class DgwCommandLine
{
    public static RootCommand CreateRootCommand(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new RootCommand("dgw: the DataGateway command line (development tokens; batches and audit to follow).")
        {
            TokenCommand.Create(context),
            AuditCommand.Create(context),
            BatchCommand.Create(context),
        };
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>, writing to the configuration's Output and Error. A command line that
    /// does not parse exits with <see cref="ExitCodes.Usage"/> after naming each problem on Error, without the full
    /// help text, so nothing but the errors lands in a script's log.
    /// </summary>
    public static async Task<int> InvokeAsync(
        string[] args,
        InvocationConfiguration configuration,
        CliContext context,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var parseResult = CreateRootCommand(context).Parse(args);
        if (parseResult.Action is ParseErrorAction)
        {
            var console = CliConsole.Create(configuration.Error);
            foreach (var error in parseResult.Errors)
            {
                console.WriteError(error.Message);
            }

            console.WriteLine($"Run '{CommandPath(parseResult.CommandResult)} --help' for usage.");
            return ExitCodes.Usage;
        }

        return await parseResult.InvokeAsync(configuration, cancellationToken);
    }

    private static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? result = command; result is not null; result = result.Parent)
        {
            if (result is CommandResult { Command: not RootCommand } commandResult)
            {
                names.Insert(0, commandResult.Command.Name);
            }
        }

        names.Insert(0, "dgw");
        return string.Join(' ', names);
    }
}
