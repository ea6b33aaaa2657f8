using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Audit;
using DataGateway.Domain.Identity;
using DataGateway.Features.Audit;
using DataGateway.IntegrationTests.Infrastructure;
using Google.Protobuf;

namespace DataGateway.IntegrationTests.Audit;

public sealed class AuditApiTests
{
    private static string AuditorToken => GatewayTestHost.Token(Roles.Auditor);

    private static string DebtorId => Requests.Debtor.IdNumber!;

    private static string OtherId => GatewayTestHost.Personas.WithTag("no-assets").IdNumber!;

    [Fact]
    public async Task ListRecords_ByIdNumber_FindsThatSubjectsRecords_WhileTheStoreHoldsNoIdNumber()
    {
        await using var host = await GatewayTestHost.StartAsync();
        await host.Trail().AppendAsync(AuditTestStore.AssetQuery(DebtorId, "q-1"), TestContext.Deadline);
        await host.Trail().AppendAsync(AuditTestStore.AssetQuery(OtherId, "q-2"), TestContext.Deadline);
        await host.Trail().AppendAsync(AuditTestStore.AssetQuery(DebtorId, "q-3"), TestContext.Deadline);
        using var client = host.Rest(AuditorToken);

        var json = await client.GetStringAsync($"/v1/audit/records?idNumber={DebtorId}");
        var answer = JsonParser.Default.Parse<ListAuditRecordsResponse>(json);

        Assert.Equal(["q-3", "q-1"], answer.Records.Select(r => r.RequestId));
        Assert.Equal([3L, 1L], answer.Records.Select(r => r.Sequence));
        Assert.All(answer.Records, r => Assert.Equal(32, r.SubjectHash.Length));
        Assert.Equal("", answer.NextPageToken);
        Assert.DoesNotContain(DebtorId, json, StringComparison.Ordinal);

        // Every column of every row, then every byte of the files (the search added a record of its own meanwhile).
        using (var store = host.OpenStore())
        {
            using var reader = store.ExecuteReader("SELECT * FROM audit_records");
            var rows = 0;
            while (reader.Read())
            {
                rows++;
                for (var column = 0; column < reader.FieldCount; column++)
                {
                    var value = Convert.ToString(reader.GetValue(column), CultureInfo.InvariantCulture) ?? string.Empty;
                    Assert.DoesNotContain(DebtorId[..17], value, StringComparison.OrdinalIgnoreCase);
                    Assert.DoesNotContain(OtherId[..17], value, StringComparison.OrdinalIgnoreCase);
                }
            }

            Assert.Equal(4, rows);
        }

        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(host.DatabasePath())!))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(DebtorId[..17])));
        }
    }

    [Fact]
    public async Task ListRecords_ByIdNumberWithLowerCaseX_FindsTheCanonicalSubject()
    {
        await using var host = await GatewayTestHost.StartAsync();
        Assert.EndsWith("X", OtherId, StringComparison.Ordinal);
        await host.Trail().AppendAsync(AuditTestStore.AssetQuery(OtherId, "q-1"), TestContext.Deadline);
        using var client = host.Rest(AuditorToken);

        var answer = JsonParser.Default.Parse<ListAuditRecordsResponse>(
            await client.GetStringAsync($"/v1/audit/records?idNumber={OtherId.ToLowerInvariant()}"));

        Assert.Equal("q-1", Assert.Single(answer.Records).RequestId);
    }

    [Fact]
    public async Task ListRecords_TheSearchItself_IsRecordedWithTheAuditorAndTheSubjectHash()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var appended = await host.Trail().AppendAsync(AuditTestStore.AssetQuery(DebtorId, "q-1"), TestContext.Deadline);
        using var client = host.Rest(AuditorToken);
        await client.GetStringAsync($"/v1/audit/records?idNumber={DebtorId}");

        var answer = JsonParser.Default.Parse<ListAuditRecordsResponse>(await client.GetStringAsync("/v1/audit/records?kind=audit-search"));

        var search = Assert.Single(answer.Records);
        Assert.Equal(2, search.Sequence);
        Assert.Equal("test-auditor", search.ActorSubject);
        Assert.Equal([Roles.Auditor], search.ActorRoles);
        Assert.Equal(appended.SubjectHash, search.SubjectHash);
        Assert.Equal(AuditPurposeKinds.None, search.PurposeKind);
        Assert.Equal(AuditOutcomes.Answered, search.Outcome);
        Assert.Equal("subject by idNumber; 1 record returned", search.Detail);
        Assert.Equal(appended.Hash, search.PreviousHash);
        Assert.Equal(3, host.CountRecords());
    }

    [Fact]
    public async Task ListRecords_ByUserCaseKindAndTime_GivesOnlyMatchingRecordsNewestFirst()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var trail = host.Trail();
        var start = host.Time.GetUtcNow();
        var zhao = new AuditActor("judge-zhao", "judge", null);
        await trail.AppendAsync(AuditTestStore.AssetQuery(DebtorId, "q-1"), TestContext.Deadline);
        host.Time.Advance(TimeSpan.FromHours(1));
        await trail.AppendAsync(AuditTestStore.AssetQuery(DebtorId, "q-2", zhao), TestContext.Deadline);
        await trail.AppendAsync(AuditTestStore.AssetQuery(DebtorId, "q-3", caseNumber: "(2024)浙0604执恢7号"), TestContext.Deadline);
        await trail.AppendAsync(AuditTestStore.AssetQuery(DebtorId, "q-4") with { Kind = AuditKinds.BatchRow }, TestContext.Deadline);
        host.Time.Advance(TimeSpan.FromHours(1));
        await trail.AppendAsync(AuditTestStore.AssetQuery(DebtorId, "q-5"), TestContext.Deadline);
        using var client = host.Rest(AuditorToken);

        async Task<IEnumerable<string>> Search(string query) =>
            JsonParser.Default.Parse<ListAuditRecordsResponse>(await client.GetStringAsync("/v1/audit/records?" + query))
                .Records.Select(r => r.RequestId);

        Assert.Equal(["q-2"], await Search("user=judge-zhao"));
        // Full-width parentheses, as an input method types them, name the same case.
        Assert.Equal(["q-3"], await Search("caseNumber=" + Uri.EscapeDataString("（2024）浙0604执恢7号")));
        Assert.Equal(["q-4"], await Search("kind=batch-row"));
        Assert.Equal(["q-4", "q-3", "q-2"], await Search(
            $"from={Rfc3339(start.AddMinutes(30))}&to={Rfc3339(start.AddMinutes(90))}"));
        Assert.Equal(["q-5", "q-1"], await Search($"user=judge-wang&kind=asset-query&caseNumber={Uri.EscapeDataString(Requests.CaseNumber)}"));
    }

    [Fact]
    public async Task ListRecords_PageByPage_GivesEveryRecordOnceNewestFirst()
    {
        await using var host = await GatewayTestHost.StartAsync();
        for (var i = 1; i <= 5; i++)
        {
            await host.Trail().AppendAsync(AuditTestStore.AssetQuery(DebtorId, $"q-{i}"), TestContext.Deadline);
        }

        using var client = host.Rest(AuditorToken);
        var seen = new List<string>();
        var token = "";
        var pages = 0;
        do
        {
            var page = JsonParser.Default.Parse<ListAuditRecordsResponse>(
                await client.GetStringAsync($"/v1/audit/records?kind=asset-query&pageSize=2&pageToken={token}"));
            seen.AddRange(page.Records.Select(r => r.RequestId));
            token = page.NextPageToken;
            pages++;
        }
        while (token.Length > 0);

        Assert.Equal(["q-5", "q-4", "q-3", "q-2", "q-1"], seen);
        Assert.Equal(3, pages);
    }

    [Theory]
    [InlineData("idNumber=330682197803150112", "idNumber")]
    [InlineData("creditCode=913306047258731245", "creditCode")]
    [InlineData("idNumber=330682197803150113&creditCode=913306047258731244", "creditCode")]
    [InlineData("caseNumber=2024-1234", "caseNumber")]
    [InlineData("kind=query", "kind")]
    [InlineData("pageSize=1001", "pageSize")]
    [InlineData("pageToken=abc", "pageToken")]
    [InlineData("from=2025-06-02T00:00:00Z&to=2025-06-01T00:00:00Z", "to")]
    public async Task ListRecords_BadFilter_Is400NamingTheField_AndTheAttemptIsRecorded(string query, string field)
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var client = host.Rest(AuditorToken);

        using var response = await client.GetAsync("/v1/audit/records?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(field, problem.GetProperty("field").GetString());
        using var store = host.OpenStore();
        var (kind, outcome, detail, subjectHash) = store.QuerySingle<(string, string, string, string?)>(
            "SELECT kind, outcome, detail, subject_hash FROM audit_records");
        Assert.Equal((AuditKinds.AuditSearch, AuditOutcomes.Invalid, problem.GetProperty("detail").GetString()), (kind, outcome, detail));
        Assert.Null(subjectHash);
    }

    [Theory]
    [InlineData(Roles.Judge)]
    [InlineData(Roles.Notary)]
    [InlineData(Roles.AgencyAdmin)]
    [InlineData(Roles.Unit)]
    public async Task ListRecords_NotAnAuditor_Is403AndNothingIsRead(string role)
    {
        await using var host = await GatewayTestHost.StartAsync();
        await host.Trail().AppendAsync(AuditTestStore.AssetQuery(DebtorId, "q-1"), TestContext.Deadline);
        using var client = host.Rest(GatewayTestHost.Token(role));

        using var records = await client.GetAsync($"/v1/audit/records?idNumber={DebtorId}");
        using var verification = await client.GetAsync("/v1/audit/verification");

        Assert.Equal(HttpStatusCode.Forbidden, records.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, verification.StatusCode);
        Assert.DoesNotContain("q-1", await records.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, host.CountRecords());
    }

    [Fact]
    public async Task ListRecords_WithoutToken_Is401()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var client = host.Rest(token: null);

        using var response = await client.GetAsync("/v1/audit/records");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ListRecords_WhenTheTrailCannotBeWritten_Is503AndReturnsNoRecords()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var stored = await host.Trail().AppendAsync(AuditTestStore.AssetQuery(DebtorId, "q-1"), TestContext.Deadline);
        host.RefuseAuditWrites();
        using var client = host.Rest(AuditorToken);

        using var response = await client.GetAsync($"/v1/audit/records?idNumber={DebtorId}");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(
            DataGateway.Features.Audit.AuditErrors.UnavailableMessage,
            JsonSerializer.Deserialize<JsonElement>(body).GetProperty("detail").GetString());
        Assert.DoesNotContain("q-1", body, StringComparison.Ordinal);
        Assert.DoesNotContain(stored.Hash, body, StringComparison.Ordinal);
        Assert.Equal(1, host.CountRecords());
    }

    [Fact]
    public async Task Verify_IntactTrail_ThenOneCharacterChanged_NamesThatRecord()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var records = new List<DataGateway.Domain.Audit.AuditRecord>();
        for (var i = 1; i <= 4; i++)
        {
            records.Add(await host.Trail().AppendAsync(AuditTestStore.AssetQuery(DebtorId, $"q-{i}"), TestContext.Deadline));
        }

        using var client = host.Rest(AuditorToken);

        var intact = JsonParser.Default.Parse<VerifyAuditTrailResponse>(await client.GetStringAsync("/v1/audit/verification"));
        Assert.True(intact.Intact);
        Assert.Equal(4, intact.RecordsChecked);
        Assert.Equal((4L, records[^1].Hash), (intact.LastSequence, intact.LastHash));

        using (var store = host.OpenStore())
        {
            // One byte: judge-wang becomes judge-wanh in record #2.
            Assert.Equal(1, store.Execute("UPDATE audit_records SET actor_subject = 'judge-wanh' WHERE sequence = 2"));
        }

        var broken = JsonParser.Default.Parse<VerifyAuditTrailResponse>(await client.GetStringAsync("/v1/audit/verification"));
        Assert.False(broken.Intact);
        Assert.Equal(2, broken.FirstBrokenSequence);
        Assert.StartsWith("hash does not match", broken.Reason, StringComparison.Ordinal);
        Assert.Equal((1L, 1L, records[0].Hash), (broken.RecordsChecked, broken.LastSequence, broken.LastHash));
    }

    private static string Rfc3339(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
