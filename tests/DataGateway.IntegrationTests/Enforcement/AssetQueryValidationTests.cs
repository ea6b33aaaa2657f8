using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DataGateway.Contracts.V1;
using DataGateway.IntegrationTests.Infrastructure;
using Grpc.Core;

namespace DataGateway.IntegrationTests.Enforcement;

public sealed class AssetQueryValidationTests
{
    private const string ValidId = "34052419800101001X";

    public static TheoryData<string, string> BadBodies => new()
    {
        { """{"subject":{"idNumber":"34052419800101001X","name":"张三"}}""", "caseNumber" },
        { """{"caseNumber":"(2024)浙0604民初12号","subject":{"idNumber":"34052419800101001X","name":"张三"}}""", "caseNumber" },
        { """{"caseNumber":"(2024)浙0604执1234号"}""", "subject" },
        { """{"caseNumber":"(2024)浙0604执1234号","subject":{"idNumber":"340524198001010013","name":"张三"}}""", "subject.idNumber" },
        { """{"caseNumber":"(2024)浙0604执1234号","subject":{"idNumber":"34052419801301001X","name":"张三"}}""", "subject.idNumber" },
        { """{"caseNumber":"(2024)浙0604执1234号","subject":{"creditCode":"91330604MA2BCDEF0O","name":"某公司"}}""", "subject.creditCode" },
        { """{"caseNumber":"(2024)浙0604执1234号","subject":{"idNumber":"34052419800101001X","name":"  "}}""", "subject.name" },
        { """{"caseNumber":"(2024)浙0604执1234号","subject":{"idNumber":"34052419800101001X","name":"张三"},"assetKinds":["REAL_ESTATE","GOLD"]}""", "assetKinds[1]" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task BadInput_OverRest_Is400ProblemDetailsNamingTheField(string body, string field)
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var client = host.Rest(Requests.JudgeToken);

        using var response = await client.PostAsync("/v1/enforcement/asset-queries", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.StartsWith(field + ": ", problem.GetProperty("detail").GetString());
        Assert.Equal(0, host.Simulator.Stats.TotalCalls);
    }

    [Fact]
    public async Task MalformedJson_OverRest_Is400NotAServerError()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var client = host.Rest(Requests.JudgeToken);

        using var response = await client.PostAsync("/v1/enforcement/asset-queries", new StringContent("{\"caseNumber\": ", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task BadIdNumber_OverGrpc_IsInvalidArgumentNamingTheField_AndNoUnitIsAsked()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var request = new QueryAssetsRequest
        {
            CaseNumber = Requests.CaseNumber,
            Subject = new Subject { IdNumber = ValidId[..17] + "3", Name = "张三" },
        };

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Enforcement(Requests.JudgeToken).QueryAssetsAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("subject.idNumber: ", error.Status.Detail);
        Assert.DoesNotContain(ValidId[..17], error.Status.Detail);
        Assert.Equal(0, host.Simulator.Stats.TotalCalls);
    }

    [Fact]
    public async Task LowerCaseCheckCharacter_AndFullWidthParentheses_AreAccepted()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var noAssets = GatewayTestHost.Personas.WithTag("no-assets");
        Assert.EndsWith("X", noAssets.IdNumber);
        var request = new QueryAssetsRequest
        {
            CaseNumber = Requests.NoAssetsCaseNumber.Replace('(', '（').Replace(')', '）'),
            Subject = new Subject { IdNumber = noAssets.IdNumber!.ToLowerInvariant(), Name = noAssets.Name },
            AssetKinds = { "TAX" },
        };

        var answer = await host.Enforcement(Requests.JudgeToken).QueryAssetsAsync(request);

        Assert.Single(answer.Units);
    }
}
