using System.Text.Json;
using DataGateway.Contracts.V1;
using DataGateway.Features.Catalog;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace DataGateway.Features.Cases;

/// <summary>How a seeding run left the registry.</summary>
internal sealed record CaseSeedResult(int Created, int Updated, int Unchanged);

/// <summary>
/// Development stands in for the court's case system: it registers the cases of config/cases.json at start, each
/// through the same validation as PutCase. Running it again changes nothing.
/// </summary>
internal sealed partial class CaseSeeder(
    CaseRegistry registry,
    CaseValidator validator,
    IOptions<CasesOptions> options,
    IHostEnvironment environment,
    ILogger<CaseSeeder> logger) : IHostedService
{
    public const string SeededBy = "development-seed";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.SeedOnStart)
        {
            return;
        }

        // Made-up cases must never grant a real judge a purpose.
        if (!environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                "Cases:SeedOnStart is only allowed in the Development environment; in "
                + environment.EnvironmentName + " the court's case system registers cases through PutCase.");
        }

        var path = ConfigPaths.Resolve(options.Value.SeedFile);
        var result = await SeedAsync(path, cancellationToken);
        Log.Seeded(logger, options.Value.SeedFile, result.Created, result.Updated, result.Unchanged);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Validates every case in the file, then registers them. A file with one bad case registers none, and the error
    /// names the file, the entry and the field.
    /// </summary>
    public async Task<CaseSeedResult> SeedAsync(string path, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(path);
        var requests = Read(path);
        var registrations = new List<CaseRegistration>(requests.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            try
            {
                registrations.Add(validator.Validate(requests[i]));
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
            {
                throw new InvalidOperationException($"Case seed file '{name}': cases[{i}] {requests[i].CaseNumber}: {ex.Status.Detail}", ex);
            }
        }

        int created = 0, updated = 0, unchanged = 0;
        foreach (var registration in registrations)
        {
            var (change, _) = await registry.PutAsync(registration, SeededBy, cancellationToken);
            switch (change)
            {
                case CaseChange.Created:
                    created++;
                    break;
                case CaseChange.Updated:
                    updated++;
                    break;
                default:
                    unchanged++;
                    break;
            }
        }

        return new CaseSeedResult(created, updated, unchanged);
    }

    private static List<PutCaseRequest> Read(string path)
    {
        var name = Path.GetFileName(path);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"Case seed file '{path}' does not exist (Cases:SeedFile); it is config/{name} in the repository.");
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
            });
            if (!document.RootElement.TryGetProperty("cases", out var cases) || cases.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidOperationException($"Case seed file '{name}' has no \"cases\" array.");
            }

            var requests = new List<PutCaseRequest>();
            foreach (var entry in cases.EnumerateArray())
            {
                try
                {
                    // The PutCase body as a court system would send it, so the file documents the API by example.
                    requests.Add(JsonParser.Default.Parse<PutCaseRequest>(entry.GetRawText()));
                }
                catch (InvalidProtocolBufferException ex)
                {
                    throw new InvalidOperationException($"Case seed file '{name}': cases[{requests.Count}] is not a PutCase body: {ex.Message}", ex);
                }
            }

            return requests;
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"Case seed file '{name}' is not valid JSON: {ex.Message}", ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 42, Level = LogLevel.Information,
            Message = "Seeded the case registry from {File}: {Created} created, {Updated} updated, {Unchanged} unchanged")]
        public static partial void Seeded(ILogger logger, string file, int created, int updated, int unchanged);
    }
}
