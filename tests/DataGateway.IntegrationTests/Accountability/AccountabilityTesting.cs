using System.Text.Json;
using DataGateway.Contracts.V1;
using DataGateway.IntegrationTests.Infrastructure;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace DataGateway.IntegrationTests.Accountability;

/// <summary>Seeded cases, gRPC callers and the in-memory server of a test host, for the accountability suites.</summary>
internal static class AccountabilityTesting
{
    /// <summary>A case of config/cases.json exactly as seeded: PUT again, the registry reports it unchanged.</summary>
    public static PutCaseRequest SeededCase(string caseNumber)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(GatewayTestHost.ConfigDirectory, "cases.json")));
        foreach (var entry in json.RootElement.GetProperty("cases").EnumerateArray())
        {
            if (entry.GetProperty("caseNumber").GetString() == caseNumber)
            {
                return JsonParser.Default.Parse<PutCaseRequest>(entry.GetRawText());
            }
        }

        throw new KeyNotFoundException($"config/cases.json seeds no case {caseNumber}");
    }

    /// <summary>A PUT body: the path carries the case number, so the body leaves it out.</summary>
    public static string PutBody(PutCaseRequest request)
    {
        var body = request.Clone();
        body.CaseNumber = string.Empty;
        return JsonFormatter.Default.Format(body);
    }

    public static TestServer Server(GatewayTestHost host) => (TestServer)host.Services.GetRequiredService<IServer>();

    /// <summary>A gRPC channel to the host's in-memory server; dispose it with the host.</summary>
    public static GrpcChannel Channel(GatewayTestHost host)
    {
        var server = Server(host);
        return GrpcChannel.ForAddress(server.BaseAddress, new GrpcChannelOptions { HttpHandler = server.CreateHandler() });
    }

    public static CallInvoker Invoker(GrpcChannel channel, string? token) => token is null
        ? channel.CreateCallInvoker()
        : channel.Intercept(metadata =>
        {
            metadata.Add("Authorization", "Bearer " + token);
            return metadata;
        });
}
