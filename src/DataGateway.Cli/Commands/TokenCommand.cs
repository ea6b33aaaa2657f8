using System.CommandLine;
using DataGateway.Domain.Identity;

namespace DataGateway.Cli.Commands;

/// <summary>
/// <c>dgw token</c>: mints a development token. Only the token goes to standard output, so
/// <c>TOKEN=$(dgw token --role judge)</c> works; everything else goes to standard error.
/// </summary>
public static class TokenCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var validRoles = string.Join(", ", Roles.All);

        var role = new Option<string[]>("--role")
        {
            Description = $"A role the token carries; repeat for several ({validRoles}).",
            Required = true,
            Arity = ArgumentArity.OneOrMore,
            HelpName = "role",
        };
        role.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => !Roles.IsKnown(t.Value)))
            {
                result.AddError($"unknown role '{token.Value}' for --role; valid roles are {validRoles}");
            }
        });

        var subject = new Option<string?>("--sub")
        {
            Description = "The caller's id (sub claim), e.g. judge-wang. Default: dev-<first role>.",
            HelpName = "id",
        };
        var name = new Option<string?>("--name")
        {
            Description = "Display name (name claim), e.g. 王法官. Default: the --sub value.",
        };
        var unitId = new Option<string[]>("--unit-id")
        {
            Description = $"Catalog id of the unit the caller speaks for (unit_id claim), e.g. bank-sxrcb; exactly one with --role {Roles.Unit}, "
                + $"several (repeat it, or separate with commas) for an {Roles.AgencyAdmin} of several units.",
            HelpName = "id",
            AllowMultipleArgumentsPerToken = false,
            CustomParser = result => [.. result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
        };
        var court = new Option<string?>("--court")
        {
            Description = "The caller's court code (court claim), e.g. 浙0604.",
            HelpName = "code",
        };
        var notaryOffice = new Option<string?>("--notary-office")
        {
            Description = "The caller's notary office code (notary_office claim), e.g. 浙绍上; a notary's estate inquiries must be under its files.",
            HelpName = "code",
        };
        var scope = new Option<string?>("--scope")
        {
            Description = "Space-separated scopes (scope claim), e.g. district: an agency admin who sees every unit.",
            HelpName = "scopes",
        };
        var lifetime = new Option<TimeSpan>("--lifetime")
        {
            Description = $"How long the token is valid: {Durations.Help}.",
            DefaultValueFactory = _ => DevelopmentTokenRequest.DefaultLifetime,
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
                if (Durations.TryParse(text, out var value) && value > TimeSpan.Zero)
                {
                    return value;
                }

                result.AddError($"--lifetime '{text}' is not a positive duration; use {Durations.Help}");
                return default;
            },
            HelpName = "duration",
        };
        var authFile = new Option<string>("--auth-file")
        {
            Description = $"The development auth settings (config/{DevelopmentAuthSettings.FileName} beside dgw unless given).",
            DefaultValueFactory = _ => context.ConfigFile(DevelopmentAuthSettings.FileName),
            HelpName = "path",
        };

        var command = new Command("token", "Print a development token signed with the development key (never valid in production).")
        {
            role, subject, name, unitId, court, notaryOffice, scope, lifetime, authFile,
        };
        command.Validators.Add(result =>
        {
            var roles = result.GetValue(role) ?? [];
            if (roles.Contains(Roles.Unit, StringComparer.Ordinal) && (result.GetValue(unitId) ?? []).Length != 1)
            {
                result.AddError($"--role {Roles.Unit} requires exactly one --unit-id <catalog unit id>, e.g. --unit-id bank-sxrcb");
            }
        });

        command.SetAction(parseResult =>
        {
            var roles = parseResult.GetRequiredValue(role);
            var request = new DevelopmentTokenRequest
            {
                Subject = parseResult.GetValue(subject) ?? $"dev-{roles[0]}",
                Name = parseResult.GetValue(name),
                Roles = roles,
                UnitIds = parseResult.GetValue(unitId) ?? [],
                CourtCode = parseResult.GetValue(court),
                NotaryOffice = parseResult.GetValue(notaryOffice),
                Scope = parseResult.GetValue(scope),
                Lifetime = parseResult.GetValue(lifetime),
            };
            return Run(request, parseResult.GetRequiredValue(authFile), context, parseResult.InvocationConfiguration);
        });
        return command;
    }

    private static int Run(DevelopmentTokenRequest request, string authFile, CliContext context, InvocationConfiguration io)
    {
        var errors = CliConsole.Create(io.Error);

        // The parser has checked roles and --unit-id; the request's own rules (court code form, ...) are the last word.
        var problems = request.Validate();
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                errors.WriteError(problem);
            }

            return ExitCodes.Usage;
        }

        DevelopmentAuthSettings settings;
        try
        {
            settings = DevelopmentAuthSettings.Load(authFile);
        }
        catch (InvalidOperationException ex)
        {
            errors.WriteError(ex.Message);
            return ExitCodes.Failure;
        }

        io.Output.WriteLine(DevelopmentTokenIssuer.Issue(settings, request, context.TimeProvider));
        return ExitCodes.Success;
    }
}
