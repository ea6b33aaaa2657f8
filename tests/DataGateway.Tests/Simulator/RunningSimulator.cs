using DataGateway.Contracts.V1;
using DataGateway.Domain.Catalog;
using DataGateway.Simulator;
using Grpc.Net.Client;

namespace DataGateway.Tests.Simulator;

/// <summary>A real simulator on loopback port 0 with the shipped catalog and personas, and a gRPC client to it.</summary>
internal sealed class RunningSimulator : IAsyncDisposable
{
    public const string CaseNumber = "(2023)浙0604执1234号";

    private static readonly Lazy<UnitCatalog> ShippedCatalog = new(() => UnitCatalog.Load(UnitCatalog.DefaultDirectory));
    private static readonly Lazy<Personas> ShippedPersonas =
        new(() => Personas.Load(Path.Combine(UnitCatalog.DefaultDirectory, Personas.FileName)));

    private readonly GrpcChannel _channel;

    private RunningSimulator(SimulatorHost host)
    {
        Host = host;
        _channel = GrpcChannel.ForAddress(host.GrpcAddress);
        Client = new AgencyService.AgencyServiceClient(_channel);
    }

    public static UnitCatalog Catalog => ShippedCatalog.Value;

    public static Personas Personas => ShippedPersonas.Value;

    public SimulatorHost Host { get; }

    public AgencyService.AgencyServiceClient Client { get; }

    /// <summary>Starts a simulator whose units answer at once unless <paramref name="options"/> says otherwise.</summary>
    public static async Task<RunningSimulator> StartAsync(TimeProvider? time = null, SimulatorOptions? options = null)
    {
        options ??= new SimulatorOptions { DefaultLatencyMs = 0 };
        options = options with { GrpcUrl = "http://127.0.0.1:0", HttpUrl = "http://127.0.0.1:0" };
        return new RunningSimulator(await SimulatorHost.StartAsync(options, Catalog, Personas, time));
    }

    public static AnswerQueryRequest Request(string unitId, string identifier, params string[] assetKinds)
    {
        var request = new AnswerQueryRequest
        {
            RequestId = Guid.NewGuid().ToString("N"),
            UnitId = unitId,
            Purpose = new Purpose { CaseNumber = CaseNumber },
            // Resident ID address codes never start with 9; the credit codes used here (enterprises) all do.
            Subject = identifier.StartsWith('9')
                ? new Subject { CreditCode = identifier }
                : new Subject { IdNumber = identifier },
        };
        request.AssetKinds.Add(assetKinds);
        return request;
    }

    public async Task<AnswerQueryResponse> AskAsync(string unitId, string identifier, params string[] assetKinds) =>
        await Client.AnswerQueryAsync(Request(unitId, identifier, assetKinds));

    /// <summary>Every unit's answer for one subject, by unit id.</summary>
    public async Task<Dictionary<string, AnswerQueryResponse>> AskEveryUnitAsync(string identifier)
    {
        var answers = new Dictionary<string, AnswerQueryResponse>();
        foreach (var unit in Catalog.Units)
        {
            answers[unit.Id] = await AskAsync(unit.Id, identifier);
        }

        return answers;
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await Host.DisposeAsync();
    }
}
