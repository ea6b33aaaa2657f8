using DataGateway.Features.Catalog;
using DataGateway.Features.Store;

namespace DataGateway.Features.Sla;

/// <summary>
/// Service levels: matter deadlines (working days, config/sla.json), query outcomes per unit and minute recorded from the
/// fan-out, and the scorecards agency admins read (and the dashboard shows).
/// </summary>
internal static class SlaFeature
{
    public static WebApplicationBuilder AddSla(this WebApplicationBuilder builder)
    {
        builder.Configuration.AddDefaultsFromConfigFolder("sla.json");
        // Read and checked now, so a bad calendar or deadline stops start-up with a message, not the first matter.
        var options = builder.Configuration.GetSection("Sla").Get<SlaOptions>() ?? new SlaOptions();
        var problems = options.Validate();
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true))
        {
            problems = [.. problems, .. results.Select(r => $"Sla:{string.Join(',', r.MemberNames)}: {r.ErrorMessage}")];
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("SLA settings are invalid:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
        }

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new WorkingDayCalendar(options.Calendar));
        builder.Services.AddSingleton<MatterDeadlines>();
        builder.Services.AddStoreSchema(SlaStore.Module, SlaStore.SqliteMigrations, SlaStore.PostgresMigrations);
        builder.Services.AddSingleton<SlaStore>();
        builder.Services.AddSingleton<UnitOutcomeRecorder>();
        builder.Services.AddSingleton<IUnitOutcomeRecorder>(services => services.GetRequiredService<UnitOutcomeRecorder>());
        builder.Services.AddHostedService<UnitOutcomeFlusher>();
        builder.Services.AddSingleton<ScorecardService>();
        return builder;
    }
}
