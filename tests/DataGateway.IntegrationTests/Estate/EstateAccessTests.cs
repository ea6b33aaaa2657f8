using System.Net;
using System.Text.Json;
using DataGateway.Contracts.V1;
using DataGateway.IntegrationTests.Audit;
using DataGateway.IntegrationTests.Infrastructure;
using Grpc.Core;
using static DataGateway.IntegrationTests.Estate.EstateTesting;

namespace DataGateway.IntegrationTests.Estate;

/// <summary>Who may make and read an estate inquiry, under which file, and what the audit trail keeps of it.</summary>
public sealed class EstateAccessTests
{
    [Fact]
    public async Task Create_FileOfAnotherOffice_PermissionDeniedBeforeAnyUnitIsAsked_AndAudited()
    {
        await using var host = await GatewayTestHost.StartAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            host.Estate(NotaryToken).CreateEstateInquiryAsync(ForDeceased("(2025)浙杭钱证民字第88号")).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("notarial file (2025)浙杭钱证民字第88号 belongs to notary office 浙杭钱, not to your office 浙绍上", error.Status.Detail);
        Assert.Equal(0, host.Simulator.Stats.TotalCalls);
        var record = Assert.Single(AuditRecords(host));
        Assert.Equal(("estate-item", "(2025)浙杭钱证民字第88号", "denied", "[]"), (record.Kind, record.Purpose, record.Outcome, record.UnitsAsked));
        Assert.NotNull(record.SubjectHash);
    }

    [Fact]
    public async Task Create_TokenWithoutNotaryOffice_PermissionDenied()
    {
        await using var host = await GatewayTestHost.StartAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            host.Estate(NotaryTokenFor("notary-nowhere", office: null)).CreateEstateInquiryAsync(ForDeceased()).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("notary_office", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, host.Simulator.Stats.TotalCalls);
    }

    [Fact]
    public async Task Create_JudgeToken_Forbidden()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var client = host.Rest(Requests.JudgeToken);

        using var response = await PostAsync(client, ForDeceased());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, host.Simulator.Stats.TotalCalls);
    }

    [Fact]
    public async Task Create_FileUsedForAnotherDeceased_PermissionDeniedWithoutAskingUnits()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var client = host.Estate(NotaryToken);
        await client.CreateEstateInquiryAsync(ForDeceased());
        host.Simulator.Stats.Reset();
        var other = GatewayTestHost.Personas.WithTag("debtor");

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            client.CreateEstateInquiryAsync(Request(other.IdNumber!, other.Name, Spouse.IdNumber, Spouse.Name, EstateRelationship.Spouse)).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal($"notarial file {FileNumber} is already used for another deceased; one file is one estate", error.Status.Detail);
        Assert.Equal(0, host.Simulator.Stats.TotalCalls);
        // The same estate under the same file may be asked again (a later, fresher report).
        Assert.NotNull((await client.CreateEstateInquiryAsync(ForDeceased())).Report);
    }

    [Theory]
    [InlineData("notarialFileNumber", "", "is required")]
    [InlineData("notarialFileNumber", "(2025)浙0604执1234号", "certificate type is missing")]
    [InlineData("notarialFileNumber", "(2025)浙绍上证经字第12号", "an estate is notarised under a civil file (证民字 or 证字), not 证经字")]
    [InlineData("deceased.idNumber", "330682194805160013", "check character")]
    [InlineData("applicant.idNumber", "SAME", "is the deceased's own number")]
    [InlineData("applicant.relationship", "UNSPECIFIED", "is required")]
    public async Task Create_InvalidField_BadRequestNamingTheField(string field, string value, string reason)
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var client = host.Rest(NotaryToken);
        var request = ForDeceased();
        switch (field)
        {
            case "notarialFileNumber": request.NotarialFileNumber = value; break;
            case "deceased.idNumber": request.Deceased.IdNumber = value; break;
            case "applicant.idNumber": request.Applicant.IdNumber = Deceased.IdNumber; break;
            default: request.Applicant.Relationship = EstateRelationship.Unspecified; break;
        }

        using var response = await PostAsync(client, request);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, problem.RootElement.GetProperty("field").GetString());
        Assert.Contains(reason, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, host.Simulator.Stats.TotalCalls);
        Assert.Equal(0, host.CountRecords());
    }

    [Fact]
    public async Task Create_Answered_WritesOneEstateItemRecordPerItemAsked()
    {
        await using var host = await GatewayTestHost.StartAsync();

        var report = (await host.Estate(NotaryToken).CreateEstateInquiryAsync(ForDeceased())).Report;

        var records = AuditRecords(host);
        Assert.Equal(GrantedItems.Count, records.Count);
        Assert.All(records, r => Assert.Equal(("estate-item", report.InquiryId, FileNumber, "answered"), (r.Kind, r.RequestId, r.Purpose, r.Outcome)));
        Assert.Equal(GrantedItems.Select(i => i.Code).Order(), records.Select(r => r.Detail![..r.Detail!.IndexOf(':', StringComparison.Ordinal)]).Order());
        Assert.Single(records.Select(r => r.SubjectHash).Distinct());
        var returned = records.Where(r => r.ItemsReturned != "[]").Select(r => JsonSerializer.Deserialize<string[]>(r.ItemsReturned)!.Single()).Order();
        Assert.Equal(report.Items.Where(i => i.RecordCount > 0).Select(i => i.DataItem).Order(), returned);
        var deposits = records.Single(r => r.Detail!.StartsWith("EST-DEP-ACCOUNTS:", StringComparison.Ordinal));
        Assert.Equal(24, JsonSerializer.Deserialize<string[]>(deposits.UnitsAsked)!.Length);
    }

    [Fact]
    public async Task Create_LivingPerson_RecordsEachDeathItemAskedAsDenied()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var living = GatewayTestHost.Personas.WithTag("debtor");

        await Assert.ThrowsAsync<RpcException>(() => host.Estate(NotaryToken)
            .CreateEstateInquiryAsync(Request(living.IdNumber!, living.Name, Spouse.IdNumber, Spouse.Name, EstateRelationship.Spouse)).ResponseAsync);

        var records = AuditRecords(host);
        var deathItems = GrantedItems.Where(i => i.Code.StartsWith("EST-DEATH-", StringComparison.Ordinal)).ToList();
        Assert.Equal(deathItems.Count, records.Count);
        Assert.All(records, r =>
        {
            Assert.Equal(("denied", "[]"), (r.Outcome, r.ItemsReturned));
            Assert.Contains("the death is not confirmed", r.Detail, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Create_AuditUnwritable_RefusesAndStoresNoReport()
    {
        await using var host = await GatewayTestHost.StartAsync();
        host.RefuseAuditWrites();

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Estate(NotaryToken).CreateEstateInquiryAsync(ForDeceased()).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        using var store = host.OpenStore();
        Assert.Equal(0L, Dapper.SqlMapper.ExecuteScalar<long>(store, "SELECT COUNT(*) FROM estate_inquiries"));
    }

    [Fact]
    public async Task Get_ByTheNotaryWhoMadeIt_SameReportAndTheReadIsAudited()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var client = host.Estate(NotaryToken);
        var created = (await client.CreateEstateInquiryAsync(ForDeceased())).Report;
        host.Simulator.Stats.Reset();
        var before = host.CountRecords();

        var read = (await client.GetEstateInquiryAsync(new GetEstateInquiryRequest { InquiryId = created.InquiryId })).Report;

        Assert.Equal(created, read);
        Assert.Equal(0, host.Simulator.Stats.TotalCalls);
        Assert.Equal(before + 1, host.CountRecords());
        var record = AuditRecords(host)[^1];
        Assert.Equal((created.InquiryId, "answered", "stored report read"), (record.RequestId, record.Outcome, record.Detail));
        // The read names the deceased as the inquiry's own records do: a search by the deceased finds it.
        Assert.Equal(AuditRecords(host)[0].SubjectHash, record.SubjectHash);
        Assert.NotNull(record.SubjectHash);
    }

    [Fact]
    public async Task Create_StoredInquiry_HoldsTheReportButNoIdentityNumberInFull()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var created = (await host.Estate(NotaryToken).CreateEstateInquiryAsync(ForDeceased())).Report;

        using var store = host.OpenStore();
        var rows = Dapper.SqlMapper.Query<(string File, string Json, string Deceased)>(
            store, "SELECT notarial_file_number, report_json, deceased_hash FROM estate_inquiries").ToList();
        var bound = Dapper.SqlMapper.QuerySingle<string>(store, "SELECT deceased_hash FROM estate_files");

        var row = Assert.Single(rows);
        Assert.Equal(FileNumber, row.File);
        Assert.Equal(created, Google.Protobuf.JsonParser.Default.Parse<EstateReport>(row.Json));
        Assert.Equal(row.Deceased, bound);
        Assert.All(Deceased.Heirs.Select(h => h.IdNumber).Append(Deceased.IdNumber!), id => Assert.DoesNotContain(id, row.Json + row.Deceased, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Get_ByAnotherNotary_PermissionDenied()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var created = (await host.Estate(NotaryToken).CreateEstateInquiryAsync(ForDeceased())).Report;

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Estate(NotaryTokenFor("notary-qian", Office))
            .GetEstateInquiryAsync(new GetEstateInquiryRequest { InquiryId = created.InquiryId }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("denied", AuditRecords(host)[^1].Outcome);
    }

    [Theory]
    [InlineData("not-an-id", HttpStatusCode.BadRequest)]
    [InlineData("0196a1c2-0000-7000-8000-000000000000", HttpStatusCode.NotFound)]
    public async Task Get_UnknownOrMalformedId_RefusedOverRest(string id, HttpStatusCode expected)
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var client = host.Rest(NotaryToken);

        using var response = await client.GetAsync($"/v1/estate/inquiries/{id}");

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task ReportPage_ByTheNotary_PrintableHtmlWithMaskedAccounts()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var created = (await host.Estate(NotaryToken).CreateEstateInquiryAsync(ForDeceased())).Report;
        using var client = host.Rest(NotaryToken);

        using var response = await client.GetAsync($"/v1/estate/inquiries/{created.InquiryId}/report.html");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("@page", html, StringComparison.Ordinal);
        Assert.Contains(FileNumber, html, StringComparison.Ordinal);
        Assert.Contains(Spouse.Name, html, StringComparison.Ordinal);
        Assert.Contains(created.Death.DiedOn, html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        var accounts = created.Inventory.Single(c => c.Code == "DEPOSITS").Answers.SelectMany(a => a.Assets).Select(a => a.Reference).ToList();
        Assert.All(accounts, masked => Assert.Contains(masked, html, StringComparison.Ordinal));
        Assert.DoesNotContain(Spouse.IdNumber, html, StringComparison.Ordinal);
        foreach (var category in created.Inventory)
        {
            Assert.Contains(category.NameZh, html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ReportPage_WithoutToken_Unauthorized()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var created = (await host.Estate(NotaryToken).CreateEstateInquiryAsync(ForDeceased())).Report;
        using var client = host.Rest(token: null);

        using var response = await client.GetAsync($"/v1/estate/inquiries/{created.InquiryId}/report.html");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
