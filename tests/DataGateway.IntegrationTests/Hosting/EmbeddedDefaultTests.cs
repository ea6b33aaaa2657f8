using DataGateway.Contracts.V1;
using DataGateway.Domain.Identity;
using DataGateway.IntegrationTests.Infrastructure;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace DataGateway.IntegrationTests.Hosting;

public sealed class EmbeddedDefaultTests
{
    [Fact]
    public async Task DefaultSettings_RunTheSimulatedUnitsInProcess_AndAJudgeGetsAnswers()
    {
        // The shipped settings, but with the embedded simulator on free ports so a gateway running on this
        // machine does not collide with the test.
        var dataDirectory = Directory.CreateTempSubdirectory("datagateway-test-").FullName;
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Store:DataDirectory", dataDirectory);
            web.UseEnvironment("Development");
            web.UseSetting("Simulator:GrpcUrl", "http://127.0.0.1:0");
            web.UseSetting("Simulator:HttpUrl", "http://127.0.0.1:0");
        });
        using var channel = GrpcChannel.ForAddress(factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = factory.Server.CreateHandler() });
        var token = Requests.JudgeToken;
        var client = new EnforcementService.EnforcementServiceClient(channel.Intercept(m =>
        {
            m.Add("Authorization", "Bearer " + token);
            return m;
        }));

        var answer = await client.QueryAssetsAsync(Requests.AssetQuery(Requests.Debtor, "REAL_ESTATE", "DEPOSIT"));

        Assert.True(answer.Complete);
        Assert.Contains(answer.Units, u => u.Status == UnitStatus.Ok);
    }
}
