using Spectre.Console;

namespace DataGateway.Cli;

/// <summary>Human-facing output through Spectre.Console, over whatever writer the invocation was given.</summary>
public static class CliConsole
{
    /// <summary>
    /// A console over <paramref name="writer"/>: colours only when it is a terminal, and no wrapping otherwise, so
    /// redirected output and tests see each message on one plain line.
    /// </summary>
    public static IAnsiConsole Create(TextWriter writer)
    {
        var output = new AnsiConsoleOutput(writer);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = output,
            Ansi = output.IsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = output.IsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!output.IsTerminal)
        {
            console.Profile.Width = 4096;
        }

        return console;
    }

    /// <summary>Writes "error: <paramref name="message"/>" in red where colours are available.</summary>
    public static void WriteError(this IAnsiConsole console, string message) =>
        console.MarkupLineInterpolated($"[red]error:[/] {message}");
}
