using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DataGateway.Contracts.V1;
using DataGateway.IntegrationTests.Infrastructure;
using Google.Protobuf;
using Grpc.Core;

namespace DataGateway.IntegrationTests.Cases;

public sealed class CaseRegistryApiTests(CaseHostFixture fixture) : IClassFixture<CaseHostFixture>
{
    private GatewayTestHost Host => fixture.Host;

    private async Task<HttpResponseMessage> PutAsync(string caseNumber, string json, string? token = null)
    {
        using var client = Host.Rest(token ?? CaseTesting.CourtSystemToken);
        return await client.PutAsync(CaseTesting.Path(caseNumber), CaseTesting.JsonContent(json));
    }

    private async Task<HttpResponseMessage> GetAsync(string caseNumber, string token)
    {
        using var client = Host.Rest(token);
        return await client.GetAsync(CaseTesting.Path(caseNumber));
    }

    private static async Task<EnforcementCase> CaseOf(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonParser.Default.Parse<GetCaseResponse>(await response.Content.ReadAsStringAsync()).Case;
    }

    [Fact]
    public async Task PutCase_OverRestWithUrlEncodedNumber_RegistersIt_AndTheJudgeGetsItWithMaskedParties()
    {
        var number = fixture.NewCaseNumber();
        var path = CaseTesting.Path(number);
        Assert.Contains("%28", path);
        Assert.Contains("%E6%B5%99", path);

        using var put = await PutAsync(number, CaseTesting.Json(CaseTesting.NewCase(number, CaseTesting.NoAssetsId)));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var putAnswer = JsonParser.Default.Parse<PutCaseResponse>(await put.Content.ReadAsStringAsync());
        Assert.Equal(CaseChange.Created, putAnswer.Change);

        using var get = await GetAsync(number, CaseTesting.JudgeWangToken);
        var body = await get.Content.ReadAsStringAsync();
        var registered = JsonParser.Default.Parse<GetCaseResponse>(body).Case;
        Assert.Equal(number, registered.CaseNumber);
        Assert.Equal("浙0604", registered.CourtCode);
        Assert.Equal("执", registered.CaseType);
        Assert.Equal(["judge-wang"], registered.Officers);
        Assert.Equal(CaseState.Open, registered.State);
        Assert.Equal("2026-01-05", registered.RegisteredOn);
        Assert.Equal("330604********003X", registered.Parties[0].IdNumber);
        Assert.Equal(PartyRole.Debtor, registered.Parties[0].Role);
        Assert.Equal("91330604********XY", registered.Parties[1].CreditCode);
        Assert.DoesNotContain(CaseTesting.NoAssetsId, body);
        Assert.DoesNotContain("91330604MA2BC7D3XY", body);
    }

    [Fact]
    public async Task PutCase_PathWithRawParenthesesAndChinese_Works()
    {
        var number = fixture.NewCaseNumber();
        using var client = Host.Rest(CaseTesting.CourtSystemToken);

        // HttpClient escapes the Chinese characters itself but sends "(" and ")" as they are.
        using var put = await client.PutAsync("/v1/cases/" + number, CaseTesting.JsonContent(CaseTesting.Json(CaseTesting.NewCase(number, CaseTesting.NoAssetsId))));
        using var get = await GetAsync(number, CaseTesting.JudgeWangToken);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(number, (await CaseOf(get)).CaseNumber);
    }

    [Fact]
    public async Task GetCase_WithFullWidthParentheses_FindsTheCanonicalCase()
    {
        using var get = await GetAsync("（2024）浙0604执1234号", CaseTesting.JudgeWangToken);

        Assert.Equal(CaseTesting.WangCase, (await CaseOf(get)).CaseNumber);
    }

    [Fact]
    public async Task PutCase_SameBodyTwice_IsUnchangedTheSecondTime_AndAChangeIsAnUpdate()
    {
        var number = fixture.NewCaseNumber();
        var request = CaseTesting.NewCase(number, CaseTesting.NoAssetsId);

        using var first = await PutAsync(number, CaseTesting.Json(request));
        using var second = await PutAsync(number, CaseTesting.Json(request));
        request.Officers.Add("judge-li");
        using var third = await PutAsync(number, CaseTesting.Json(request));

        var answers = new List<PutCaseResponse>();
        foreach (var response in new[] { first, second, third })
        {
            answers.Add(JsonParser.Default.Parse<PutCaseResponse>(await response.Content.ReadAsStringAsync()));
        }

        Assert.Equal([CaseChange.Created, CaseChange.Unchanged, CaseChange.Updated], answers.Select(a => a.Change));
        Assert.Equal(answers[0].Case.UpdatedAt, answers[1].Case.UpdatedAt);
        Assert.Equal(["judge-wang", "judge-li"], answers[2].Case.Officers);
    }

    [Fact]
    public async Task GetCase_JudgeNotAssigned_Is403ProblemDetailsSayingSo()
    {
        using var response = await GetAsync(CaseTesting.WangCase, CaseTesting.JudgeLiToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"case {CaseTesting.WangCase} is not assigned to you", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task GetCase_Notary_Is403()
    {
        using var response = await GetAsync(CaseTesting.WangCase, CaseTesting.NotaryToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task GetCase_NoToken_Is401()
    {
        using var client = Host.Rest(token: null);

        using var response = await client.GetAsync(CaseTesting.Path(CaseTesting.WangCase));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task GetCase_CourtSystem_SeesAnyCaseOfItsCourt()
    {
        using var response = await GetAsync(CaseTesting.LiCase, CaseTesting.CourtSystemToken);

        Assert.Equal(["judge-li"], (await CaseOf(response)).Officers);
    }

    [Fact]
    public async Task GetCase_UnknownCase_Is404()
    {
        using var response = await GetAsync("(2024)浙0604执99999号", CaseTesting.JudgeWangToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task PutCase_ByAJudge_Is403_AndNothingIsStored()
    {
        var number = fixture.NewCaseNumber();

        using var put = await PutAsync(number, CaseTesting.Json(CaseTesting.NewCase(number, CaseTesting.NoAssetsId)), CaseTesting.JudgeWangToken);
        using var get = await GetAsync(number, CaseTesting.CourtSystemToken);

        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task PutCase_CourtSystemOfAnotherCourt_Is403()
    {
        var number = fixture.NewCaseNumber();
        var otherCourt = CaseTesting.Token("court-system-0602", DataGateway.Domain.Identity.Roles.CourtSystem, "浙0602");

        using var put = await PutAsync(number, CaseTesting.Json(CaseTesting.NewCase(number, CaseTesting.NoAssetsId)), otherCourt);

        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
    }

    public static TheoryData<string, string> BadBodies => new()
    {
        { """{"courtCode":"浙0602","officers":["judge-wang"],"parties":[{"role":"PARTY_ROLE_DEBTOR","name":"孙志强","idNumber":"33060419880704003X"}],"state":"CASE_STATE_OPEN","registeredOn":"2026-01-05"}""", "courtCode" },
        { """{"officers":["judge-wang"],"parties":[{"role":"PARTY_ROLE_DEBTOR","name":"孙志强","idNumber":"33060419880704003X"}],"state":"CASE_STATE_OPEN","registeredOn":"2026-01-05"}""", "courtCode" },
        { """{"courtCode":"浙0604","officers":[],"parties":[{"role":"PARTY_ROLE_DEBTOR","name":"孙志强","idNumber":"33060419880704003X"}],"state":"CASE_STATE_OPEN","registeredOn":"2026-01-05"}""", "officers" },
        { """{"courtCode":"浙0604","officers":["judge-wang","judge li"],"parties":[{"role":"PARTY_ROLE_DEBTOR","name":"孙志强","idNumber":"33060419880704003X"}],"state":"CASE_STATE_OPEN","registeredOn":"2026-01-05"}""", "officers[1]" },
        { """{"courtCode":"浙0604","officers":["judge-wang"],"parties":[],"state":"CASE_STATE_OPEN","registeredOn":"2026-01-05"}""", "parties" },
        { """{"courtCode":"浙0604","officers":["judge-wang"],"parties":[{"role":"PARTY_ROLE_APPLICANT","name":"孙志强","idNumber":"33060419880704003X"}],"state":"CASE_STATE_OPEN","registeredOn":"2026-01-05"}""", "parties" },
        { """{"courtCode":"浙0604","officers":["judge-wang"],"parties":[{"name":"孙志强","idNumber":"33060419880704003X"}],"state":"CASE_STATE_OPEN","registeredOn":"2026-01-05"}""", "parties[0].role" },
        { """{"courtCode":"浙0604","officers":["judge-wang"],"parties":[{"role":"PARTY_ROLE_DEBTOR","name":" ","idNumber":"33060419880704003X"}],"state":"CASE_STATE_OPEN","registeredOn":"2026-01-05"}""", "parties[0].name" },
        { """{"courtCode":"浙0604","officers":["judge-wang"],"parties":[{"role":"PARTY_ROLE_DEBTOR","name":"孙志强","idNumber":"33060419880704003X"},{"role":"PARTY_ROLE_APPLICANT","name":"某公司"}],"state":"CASE_STATE_OPEN","registeredOn":"2026-01-05"}""", "parties[1]" },
        { """{"courtCode":"浙0604","officers":["judge-wang"],"parties":[{"role":"PARTY_ROLE_DEBTOR","name":"孙志强","idNumber":"33060419880704003X"},{"role":"PARTY_ROLE_APPLICANT","name":"某公司","creditCode":"91330604MA2BC7D3XO"},{"role":"PARTY_ROLE_DEBTOR","name":"王建军","idNumber":"330682197803150113"}],"state":"CASE_STATE_OPEN","registeredOn":"2026-01-05"}""", "parties[1].creditCode" },
        { """{"courtCode":"浙0604","officers":["judge-wang"],"parties":[{"role":"PARTY_ROLE_DEBTOR","name":"孙志强","idNumber":"33060419880704003X"},{"role":"PARTY_ROLE_APPLICANT","name":"某公司","creditCode":"91330604MA2BC7D3XY"},{"role":"PARTY_ROLE_DEBTOR","name":"王建军","idNumber":"330682197803150114"}],"state":"CASE_STATE_OPEN","registeredOn":"2026-01-05"}""", "parties[2].idNumber" },
        { """{"courtCode":"浙0604","officers":["judge-wang"],"parties":[{"role":"PARTY_ROLE_DEBTOR","name":"孙志强","idNumber":"33060419880704003X"}],"registeredOn":"2026-01-05"}""", "state" },
        { """{"courtCode":"浙0604","officers":["judge-wang"],"parties":[{"role":"PARTY_ROLE_DEBTOR","name":"孙志强","idNumber":"33060419880704003X"}],"state":"CASE_STATE_OPEN"}""", "registeredOn" },
        { """{"courtCode":"浙0604","officers":["judge-wang"],"parties":[{"role":"PARTY_ROLE_DEBTOR","name":"孙志强","idNumber":"33060419880704003X"}],"state":"CASE_STATE_OPEN","registeredOn":"2026-13-01"}""", "registeredOn" },
        { """{"courtCode":"浙0604","officers":["judge-wang"],"parties":[{"role":"PARTY_ROLE_DEBTOR","name":"孙志强","idNumber":"33060419880704003X"}],"state":"CASE_STATE_OPEN","registeredOn":"2025-12-31"}""", "registeredOn" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task PutCase_BadInput_Is400NamingTheField_AndNothingIsStored(string body, string field)
    {
        var number = fixture.NewCaseNumber();

        using var put = await PutAsync(number, body);
        using var get = await GetAsync(number, CaseTesting.CourtSystemToken);

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal("application/problem+json", put.Content.Headers.ContentType?.MediaType);
        var problem = await put.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.StartsWith(field + ": ", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain("3306041988070400", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task PutCase_CivilCaseNumberInPath_Is400OnCaseNumber()
    {
        var number = "(2026)浙0604民初12号";

        using var put = await PutAsync(number, CaseTesting.Json(CaseTesting.NewCase(number, CaseTesting.NoAssetsId)));

        var problem = await put.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal("caseNumber", problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task PutCase_TooManyParties_Is400OnParties()
    {
        var number = fixture.NewCaseNumber();
        var request = CaseTesting.NewCase(number, CaseTesting.NoAssetsId);
        for (var i = 0; i < 200; i++)
        {
            request.Parties.Add(new CaseParty { Role = PartyRole.Debtor, Name = "被执行人" + i, IdNumber = CaseTesting.PersonId(i) });
        }

        using var put = await PutAsync(number, CaseTesting.Json(request));

        var problem = await put.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal("parties: at most 200 parties (got 202)", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task PutCase_InvalidUpdateOfAnExistingCase_LeavesThePreviousVersionWhole()
    {
        var number = fixture.NewCaseNumber();
        var request = CaseTesting.NewCase(number, CaseTesting.NoAssetsId);
        using var created = await PutAsync(number, CaseTesting.Json(request));
        using var before = await GetAsync(number, CaseTesting.CourtSystemToken);
        var original = await CaseOf(before);

        request.Officers.Clear();
        request.Officers.Add("judge-li");
        request.State = CaseState.Closed;
        request.Parties.Add(new CaseParty { Role = PartyRole.Debtor, Name = "王建军", IdNumber = CaseTesting.PersonDebtorId[..17] + "9" });
        using var rejected = await PutAsync(number, CaseTesting.Json(request));
        using var after = await GetAsync(number, CaseTesting.CourtSystemToken);

        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
        Assert.Equal(original, await CaseOf(after));
    }

    [Fact]
    public async Task PutAndGet_OverGrpc_Work_AndRefusalsHaveGrpcStatuses()
    {
        var number = fixture.NewCaseNumber();
        var courtSystem = CaseTesting.Grpc(Host, CaseTesting.CourtSystemToken);

        var put = await courtSystem.PutCaseAsync(CaseTesting.NewCase(number, CaseTesting.PersonDebtorId));
        var got = await CaseTesting.Grpc(Host, CaseTesting.JudgeWangToken).GetCaseAsync(new GetCaseRequest { CaseNumber = number });

        Assert.Equal(CaseChange.Created, put.Change);
        Assert.Equal(put.Case, got.Case);
        Assert.Equal("330682********0113", got.Case.Parties[0].IdNumber);

        var otherJudge = await Assert.ThrowsAsync<RpcException>(() => CaseTesting.Grpc(Host, CaseTesting.JudgeLiToken).GetCaseAsync(new GetCaseRequest { CaseNumber = number }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, otherJudge.StatusCode);
        var notary = await Assert.ThrowsAsync<RpcException>(() => CaseTesting.Grpc(Host, CaseTesting.NotaryToken).GetCaseAsync(new GetCaseRequest { CaseNumber = number }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, notary.StatusCode);
        var judgePut = await Assert.ThrowsAsync<RpcException>(() => CaseTesting.Grpc(Host, CaseTesting.JudgeWangToken).PutCaseAsync(CaseTesting.NewCase(number, CaseTesting.PersonDebtorId)).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, judgePut.StatusCode);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => courtSystem.GetCaseAsync(new GetCaseRequest { CaseNumber = fixture.NewCaseNumber() }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task PutCase_BadIdentifierOverGrpc_IsInvalidArgumentNamingTheField_AndNothingIsStored()
    {
        var number = fixture.NewCaseNumber();
        var request = CaseTesting.NewCase(number, CaseTesting.PersonDebtorId[..17] + "9");
        var courtSystem = CaseTesting.Grpc(Host, CaseTesting.CourtSystemToken);

        var error = await Assert.ThrowsAsync<RpcException>(() => courtSystem.PutCaseAsync(request).ResponseAsync);
        var lookup = await Assert.ThrowsAsync<RpcException>(() => courtSystem.GetCaseAsync(new GetCaseRequest { CaseNumber = number }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("parties[0].idNumber: ", error.Status.Detail);
        Assert.Equal(StatusCode.NotFound, lookup.StatusCode);
    }
}
