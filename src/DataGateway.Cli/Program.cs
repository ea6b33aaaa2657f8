using System.CommandLine;
using DataGateway.Cli;

return await DgwCommandLine.InvokeAsync(args, new InvocationConfiguration(), CliContext.Default);
