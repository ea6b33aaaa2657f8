using System.Net;
using System.Text;
using System.Text.Json;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Identity;
using DataGateway.Domain.Subjects;
using DataGateway.IntegrationTests.Audit;
using DataGateway.IntegrationTests.Batches;
using DataGateway.IntegrationTests.Cases;
using DataGateway.IntegrationTests.Estate;
using DataGateway.IntegrationTests.Infrastructure;
using DataGateway.IntegrationTests.Matters;
using DataGateway.Simulator;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Abstractions;
using Microsoft.IdentityModel.Logging;
using Xunit.Sdk;

namespace DataGateway.IntegrationTests.Accountability;

/// <summary>
/// Microsoft.IdentityModel logs through one process-wide logger, which Microsoft.Identity.Web binds to the first host
/// that validates a token, for good. The tests that capture logs rebind it to their own host, so they must not run
/// beside other hosts.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CapturedLogsCollection
{
    public const string Name = "Captured logs";
}

/// <summary>
/// "Personal identifiers never appear in plain text in logs", checked over everything the gateway logs while it is
/// used the way judges, court systems, notaries and auditors use it, including every way of being refused.
/// </summary>
[Collection(CapturedLogsCollection.Name)]
public sealed class LogPrivacyTests
{
    private static readonly string DebtorId = CaseTesting.PersonDebtorId;

    /// <summary>Extra people this test registers as debtors; no config file knows them, so they are checked by name.</summary>
    private static readonly string[] ExtraIds = [CaseTesting.PersonId(811), CaseTesting.PersonId(813)];

    /// <summary>Unbinds Microsoft.IdentityModel's logger so the next host to validate a token gets it; restores it after.</summary>
    private sealed class IdentityModelLogging : IDisposable
    {
        private readonly IIdentityLogger _previous = LogHelper.Logger;

        public IdentityModelLogging() => LogHelper.Logger = NullIdentityModelLogger.Instance;

        public void Dispose() => LogHelper.Logger = _previous;
    }

    private sealed record SeedParty(string Role, string Identifier, bool IsPerson);

    private sealed record SeedCase(string CaseNumber, string Officer, bool Open, IReadOnlyList<SeedParty> Parties);

    [Fact]
    public void ConfigIdentifiers_HoldEveryPersonaHeirAndCaseParty()
    {
        var identifiers = LogPrivacy.ConfigIdentifiers;

        Assert.Contains(DebtorId, identifiers);
        Assert.Contains(CaseTesting.CompanyDebtorCode, identifiers);
        Assert.Contains("330682197401120018", identifiers); // an heir of the deceased persona
        Assert.All(CaseTesting.SeededIdentifiers, id => Assert.Contains(id, identifiers));
        Assert.All(GatewayTestHost.Personas.All, p => Assert.Contains(p.Identifier, identifiers));
    }

    [Fact]
    public void AssertNoIdentifiers_IdentifierInMessageStateExceptionOrScope_InAnyCase_Fails()
    {
        var logs = new CapturedLogs();
        var logger = logs.CreateLogger("Test");
        var lowerX = CaseTesting.NoAssetsId.ToLowerInvariant();
        var lowerCode = CaseTesting.BankApplicantCode.ToLowerInvariant();

        var message = $"plain {lowerX}";
        KeyValuePair<string, object?>[] state = [KeyValuePair.Create<string, object?>("Subject", new[] { lowerCode })];
        var exception = new InvalidOperationException("failed for " + DebtorId);

        logger.Log(LogLevel.Information, new EventId(1), message, null, (s, _) => s);
        logger.Log(LogLevel.Information, new EventId(2), state, null, (_, _) => "no text");
        logger.Log(LogLevel.Error, new EventId(3), "no text", exception, (s, _) => s);
        using (logger.BeginScope(new Dictionary<string, object?> { ["Who"] = CaseTesting.CompanyDebtorCode }))
        {
            logger.Log(LogLevel.Information, new EventId(4), "no text", null, (s, _) => s);
        }

        logger.Log(LogLevel.Information, new EventId(5), "masked 330682********0113 is fine", null, (s, _) => s);

        var leaks = LogPrivacy.FindLeaks(logs.Entries);

        Assert.Contains(leaks, l => l.Contains("[1] message", StringComparison.Ordinal));
        Assert.Contains(leaks, l => l.Contains("[2] state Subject", StringComparison.Ordinal));
        Assert.Contains(leaks, l => l.Contains("[3] exception", StringComparison.Ordinal));
        Assert.Contains(leaks, l => l.Contains("[4] scope Who", StringComparison.Ordinal));
        Assert.DoesNotContain(leaks, l => l.Contains("[5]", StringComparison.Ordinal));
        Assert.All(leaks, l => Assert.DoesNotContain(DebtorId, l, StringComparison.OrdinalIgnoreCase));
        Assert.Throws<TrueException>(() => LogPrivacy.AssertNoIdentifiers(logs));
    }

    [Fact]
    public async Task Gateway_QueriesCasesAuditSearchesRefusalsAndFailures_LogNoPersonalIdentifier()
    {
        using var identityModel = new IdentityModelLogging();
        var logs = new CapturedLogs();
        await using var host = await GatewayTestHost.StartAsync(
            settings: new Dictionary<string, string?> { ["Limits:Roles:notary"] = "2", ["Limits:AnonymousPerMinute"] = "3" },
            loggerProvider: logs);
        var seeded = SeedCases();

        var assetReferences = await QueryEveryPersonaAsync(host, seeded);
        await QueryWithFailingUnitsAsync(host);
        await SendBadInputNamingIdentifiersAsync(host);
        await PutAndGetCasesAsync(host);
        await SearchTheAuditTrailAsync(host);
        await HitTheRateLimitsAsync(host);
        await UseBatchesMattersAndEstatesAsync(host);
        await FailToWriteTheAuditTrailAsync(host);

        // The run reached the log statements that handle subjects: answered, refused and failed queries, case
        // changes, units failing, the audit trail failing, with request scopes. A run that logged none of them would
        // prove nothing.
        var events = logs.Entries.Select(e => e.EventId.Id).ToHashSet();
        Assert.All(new[] { 10, 20, 40, 41, 61 }, id => Assert.Contains(id, events));
        Assert.Contains(logs.Entries, e => e.Exception is not null);
        Assert.Contains(logs.Entries, e => e.EventId.Id == 20 && e.Scopes.Any(s => s.Key == "RequestPath"));
        LogPrivacy.AssertNoIdentifiers(logs, [.. ExtraIds, .. assetReferences]);
    }

    /// <summary>
    /// No route takes an identifier in its path, but a caller can still put one there (a unit id, a case number). The
    /// request path is a log scope, which sinks with scopes on (JSON console, OpenTelemetry) write with every entry
    /// logged during the request.
    /// </summary>
    [Fact]
    public async Task Gateway_IdentifierPutInARequestPath_DoesNotReachLogScopes()
    {
        using var identityModel = new IdentityModelLogging();
        var logs = new CapturedLogs();
        await using var host = await GatewayTestHost.StartAsync(loggerProvider: logs);
        using var admin = host.Rest(GatewayTestHost.Token(Roles.AgencyAdmin));
        using var court = host.Rest(CaseTesting.CourtSystemToken);

        foreach (var id in new[] { DebtorId, CaseTesting.CompanyDebtorCode, CaseTesting.NoAssetsId.ToLowerInvariant() })
        {
            await ExpectAsync(HttpStatusCode.NotFound, admin.GetAsync("/v1/units/" + id));
            await ExpectAsync(HttpStatusCode.NotFound, admin.GetAsync($"/v1/units/{id}/health"));
            await ExpectAsync(HttpStatusCode.BadRequest, court.GetAsync("/v1/cases/" + id));
            await ExpectAsync(HttpStatusCode.BadRequest, court.PutAsync("/v1/cases/" + id, Raw(AccountabilityTesting.PutBody(CaseTesting.NewCase(id, DebtorId)))));
        }

        LogPrivacy.AssertNoIdentifiers(logs);
    }

    /// <summary>
    /// Every party of every seeded case as its officer (answered or refused), then every persona no case names.
    /// Returns the asset references units answered with: account, certificate and policy numbers are personal data too.
    /// </summary>
    private static async Task<List<string>> QueryEveryPersonaAsync(GatewayTestHost host, IReadOnlyList<SeedCase> seeded)
    {
        var parties = new HashSet<string>(StringComparer.Ordinal);
        foreach (var seed in seeded)
        {
            using var client = host.Rest(Requests.JudgeTokenFor(seed.Officer));
            foreach (var party in seed.Parties)
            {
                parties.Add(party.Identifier);
                var debtorOfAnOpenCase = seed.Open && party.Role == "PARTY_ROLE_DEBTOR";
                await ExpectAsync(
                    debtorOfAnOpenCase ? HttpStatusCode.OK : HttpStatusCode.Forbidden,
                    client.PostAsync("/v1/enforcement/asset-queries", Json(AssetQuery(seed.CaseNumber, party.Identifier, party.IsPerson))));
            }
        }

        var judge = host.Enforcement(Requests.JudgeToken);
        using var wang = host.Rest(Requests.JudgeToken);
        foreach (var id in PersonaIdentifiers().Where(id => !parties.Contains(id)))
        {
            await ExpectAsync(HttpStatusCode.Forbidden, wang.PostAsync("/v1/enforcement/asset-queries", Json(AssetQuery(Requests.CaseNumber, id, person: true))));
            var error = await Assert.ThrowsAsync<RpcException>(() => judge.QueryAssetsAsync(AssetQuery(Requests.CaseNumber, id, person: true)).ResponseAsync);
            Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        }

        // Over gRPC, fresh (every unit asked again) for every asset kind, and with a lower-case check character.
        var references = new List<string>();
        foreach (var (id, person) in new[] { (DebtorId, true), (CaseTesting.CompanyDebtorCode, false) })
        {
            var everything = AssetQuery(Requests.CaseNumber, id, person, fresh: true);
            everything.AssetKinds.Clear();
            var answer = await judge.QueryAssetsAsync(everything);
            // Short references (a plate's five characters) would match unrelated text.
            references.AddRange(answer.Units.SelectMany(u => u.Assets).Select(a => a.Reference).Where(r => r.Length >= 8));
        }

        await judge.QueryAssetsAsync(AssetQuery(Requests.NoAssetsCaseNumber, CaseTesting.NoAssetsId.ToLowerInvariant(), person: true));
        using var li = host.Rest(CaseTesting.JudgeLiToken);
        await ExpectAsync(HttpStatusCode.Forbidden, li.PostAsync("/v1/enforcement/asset-queries", Json(AssetQuery(Requests.CaseNumber, DebtorId, person: true))));
        Assert.NotEmpty(references);
        return references;
    }

    private static async Task QueryWithFailingUnitsAsync(GatewayTestHost host)
    {
        host.Simulator.Behaviours.SetFault("tax-bureau", new UnitFault { ErrorRate = 1.0 });
        host.Simulator.Behaviours.SetFault("realestate-registry", new UnitFault { Mode = FaultMode.Down });
        var judge = host.Enforcement(Requests.JudgeToken);
        await judge.QueryAssetsAsync(AssetQuery(Requests.CaseNumber, DebtorId, person: true, fresh: true));
        await judge.QueryAssetsAsync(AssetQuery(Requests.CaseNumber, CaseTesting.CompanyDebtorCode, person: false, fresh: true));
        host.Simulator.Behaviours.Reset();
    }

    /// <summary>Each identifier made invalid in every way a caller gets it wrong, and valid ones put where they do not belong.</summary>
    private static async Task SendBadInputNamingIdentifiersAsync(GatewayTestHost host)
    {
        using var judge = host.Rest(Requests.JudgeToken);
        using var admin = host.Rest(GatewayTestHost.Token(Roles.AgencyAdmin));
        using var auditor = host.Rest(GatewayTestHost.Token(Roles.Auditor));
        var grpc = host.Enforcement(Requests.JudgeToken);
        foreach (var id in AllIdentifiers())
        {
            var person = IsPerson(id);
            var wrongCheck = id[..17] + (id[17] == '1' ? '2' : '1');
            foreach (var bad in new[] { wrongCheck, id[..17], id + "0", id[..6] + "-" + id[6..], id.ToLowerInvariant() + "?" })
            {
                await ExpectAsync(HttpStatusCode.BadRequest, judge.PostAsync("/v1/enforcement/asset-queries", Json(AssetQuery(Requests.CaseNumber, bad, person))));
                var error = await Assert.ThrowsAsync<RpcException>(() => grpc.QueryAssetsAsync(AssetQuery(Requests.CaseNumber, bad, person)).ResponseAsync);
                Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            }

            // The right identifier in the wrong field, the wrong JSON type, or a field that holds something else. (Some
            // resident ID numbers also pass the credit code check, so the wrong field is not always refused.)
            (await judge.PostAsync("/v1/enforcement/asset-queries", Json(AssetQuery(Requests.CaseNumber, id, !person)))).Dispose();
            await ExpectAsync(HttpStatusCode.BadRequest, judge.PostAsync("/v1/enforcement/asset-queries", Json(AssetQuery(id, id, person))));
            await ExpectAsync(HttpStatusCode.BadRequest, judge.PostAsync("/v1/enforcement/asset-queries", Raw($$$"""{"caseNumber":"{{{Requests.CaseNumber}}}","subject":{"idNumber":{{{id[..17]}}},"name":"x"}}""")));
            await ExpectAsync(HttpStatusCode.BadRequest, judge.PostAsync("/v1/enforcement/asset-queries", Raw($$"""{"caseNumber":"{{Requests.CaseNumber}}","subject":{"idNumber":"{{id}}","name":"x"},"assetKinds":["{{id}}"]}""")));
            await ExpectAsync(HttpStatusCode.BadRequest, judge.PostAsync("/v1/enforcement/asset-queries", Raw($$"""{"caseNumber":"{{Requests.CaseNumber}}","subject":{"idNumber":"{{id}}""")));
            await ExpectAsync(HttpStatusCode.BadRequest, admin.GetAsync("/v1/units?kind=" + id));
            await ExpectAsync(HttpStatusCode.BadRequest, admin.GetAsync("/v1/data-items?assetKind=" + id));
            await ExpectAsync(HttpStatusCode.BadRequest, auditor.GetAsync("/v1/audit/records?from=" + id));
            await ExpectAsync(HttpStatusCode.BadRequest, auditor.GetAsync("/v1/audit/records?caseNumber=" + id));

            // Whatever the gateway answers these (a charset it cannot read), it must not log the body it failed on.
            var unreadable = Raw(JsonFormatter.Default.Format(AssetQuery(Requests.CaseNumber, id, person)));
            unreadable.Headers.ContentType!.CharSet = "bogus";
            (await judge.PostAsync("/v1/enforcement/asset-queries", unreadable)).Dispose();
        }
    }

    private static async Task PutAndGetCasesAsync(GatewayTestHost host)
    {
        using var court = host.Rest(CaseTesting.CourtSystemToken);
        using var wang = host.Rest(Requests.JudgeToken);
        using var li = host.Rest(CaseTesting.JudgeLiToken);
        var grpc = CaseTesting.Grpc(host, CaseTesting.CourtSystemToken);
        var sequence = 880_000;
        foreach (var id in PersonaIdentifiers().Concat(ExtraIds))
        {
            var number = $"(2026)浙0604执{++sequence}号";
            var request = CaseTesting.NewCase(number, id);
            await ExpectAsync(HttpStatusCode.OK, court.PutAsync(CaseTesting.Path(number), Raw(AccountabilityTesting.PutBody(request))));
            request.Officers.Add("judge-li");
            await grpc.PutCaseAsync(request);
            await ExpectAsync(HttpStatusCode.OK, wang.GetAsync(CaseTesting.Path(number)));
            await ExpectAsync(HttpStatusCode.OK, court.GetAsync(CaseTesting.Path(number)));

            // Refused puts: the same party twice, a masked identifier sent back, a bad check character.
            var twice = CaseTesting.NewCase(number, id);
            twice.Parties.Add(new CaseParty { Role = PartyRole.Applicant, Name = "同一人", IdNumber = id });
            await ExpectAsync(HttpStatusCode.BadRequest, court.PutAsync(CaseTesting.Path(number), Raw(AccountabilityTesting.PutBody(twice))));
            await ExpectAsync(HttpStatusCode.BadRequest, court.PutAsync(CaseTesting.Path(number), Raw(AccountabilityTesting.PutBody(CaseTesting.NewCase(number, id[..6] + "********" + id[14..])))));
            await ExpectAsync(HttpStatusCode.BadRequest, court.PutAsync(CaseTesting.Path(number), Raw(AccountabilityTesting.PutBody(CaseTesting.NewCase(number, id[..17] + (id[17] == '1' ? '2' : '1'))))));
        }

        foreach (var seed in SeedCases())
        {
            await ExpectAsync(HttpStatusCode.OK, court.GetAsync(CaseTesting.Path(seed.CaseNumber)));
            await ExpectAsync(seed.Officer == "judge-li" ? HttpStatusCode.OK : HttpStatusCode.Forbidden, li.GetAsync(CaseTesting.Path(seed.CaseNumber)));
            await ExpectAsync(HttpStatusCode.OK, court.PutAsync(CaseTesting.Path(seed.CaseNumber), Raw(AccountabilityTesting.PutBody(AccountabilityTesting.SeededCase(seed.CaseNumber)))));
        }
    }

    private static async Task SearchTheAuditTrailAsync(GatewayTestHost host)
    {
        using var auditor = host.Rest(GatewayTestHost.Token(Roles.Auditor));
        foreach (var id in AllIdentifiers())
        {
            var parameter = IsPerson(id) ? "idNumber" : "creditCode";
            var other = IsPerson(id) ? "creditCode" : "idNumber";
            await ExpectAsync(HttpStatusCode.OK, auditor.GetAsync($"/v1/audit/records?{parameter}={id}"));
            await ExpectAsync(HttpStatusCode.OK, auditor.GetAsync($"/v1/audit/records?{parameter}={id.ToLowerInvariant()}&kind=asset-query&pageSize=1"));
            (await auditor.GetAsync($"/v1/audit/records?{other}={id}")).Dispose(); // refused unless the ID passes both checks
            await ExpectAsync(HttpStatusCode.BadRequest, auditor.GetAsync($"/v1/audit/records?{parameter}={id[..17]}"));
            await ExpectAsync(HttpStatusCode.BadRequest, auditor.GetAsync($"/v1/audit/records?idNumber={id}&creditCode={id}"));
        }

        using var channel = AccountabilityTesting.Channel(host);
        var grpc = new AuditService.AuditServiceClient(AccountabilityTesting.Invoker(channel, GatewayTestHost.Token(Roles.Auditor)));
        await grpc.ListAuditRecordsAsync(new ListAuditRecordsRequest { IdNumber = DebtorId });
        await grpc.ListAuditRecordsAsync(new ListAuditRecordsRequest { CreditCode = CaseTesting.CompanyDebtorCode });
        await ExpectAsync(HttpStatusCode.OK, auditor.GetAsync("/v1/audit/verification"));
    }

    /// <summary>Requests that carry identifiers from callers over their budget: the notary's is 2 a minute, anonymous 3.</summary>
    private static async Task HitTheRateLimitsAsync(GatewayTestHost host)
    {
        using var notary = host.Rest(GatewayTestHost.Token(Roles.Notary));
        using var anonymous = host.Rest(null);
        var limited = 0;
        for (var i = 0; i < 4; i++)
        {
            foreach (var client in new[] { notary, anonymous })
            {
                using var query = await client.PostAsync("/v1/enforcement/asset-queries", Json(AssetQuery(Requests.CaseNumber, DebtorId, person: true)));
                using var search = await client.GetAsync($"/v1/audit/records?idNumber={DebtorId}");
                limited += new[] { query, search }.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests);
            }
        }

        var notaryGrpc = host.Enforcement(GatewayTestHost.Token(Roles.Notary));
        var error = await Assert.ThrowsAsync<RpcException>(() => notaryGrpc.QueryAssetsAsync(AssetQuery(Requests.CaseNumber, DebtorId, person: true)).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.True(limited >= 8, $"only {limited} requests were rate-limited");
    }

    /// <summary>
    /// The features that ask units on behalf of a case or an estate: a batch run to its end and one refused for a bad
    /// row, a matter filed, an estate inquiry made and one refused for an applicant who is no heir. Their own tests
    /// check what they answer; this run only gives them the chance to log.
    /// </summary>
    private static async Task UseBatchesMattersAndEstatesAsync(GatewayTestHost host)
    {
        var batches = BatchTesting.Client(host, Requests.JudgeToken);
        var batch = new SubmitBatchRequest
        {
            CaseNumber = Requests.CaseNumber,
            Rows =
            {
                BatchTesting.Row(DebtorId, "王建军"),
                new BatchRow { CreditCode = CaseTesting.CompanyDebtorCode, Name = "恒昌化工" },
                BatchTesting.Row(CaseTesting.NoAssetsId.ToLowerInvariant(), "孙志强", Requests.NoAssetsCaseNumber),
            },
            AssetKinds = { "TAX", "REAL_ESTATE" },
        };
        var submitted = (await batches.SubmitBatchAsync(batch)).Batch;
        await BatchTesting.WatchToEndAsync(batches, submitted.BatchId);
        batch.Rows.Add(BatchTesting.Row(DebtorId[..17] + "4", "错号"));
        batch.Rows.Add(BatchTesting.Row(GatewayTestHost.Personas.WithTag("deceased").IdNumber!, "不是被执行人"));
        var refused = await Assert.ThrowsAsync<RpcException>(() => batches.SubmitBatchAsync(batch).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);

        using var judge = host.Rest(Requests.JudgeToken);
        await ExpectAsync(HttpStatusCode.OK, judge.PostAsync("/v1/matters", Json(MatterTesting.Freeze())));

        using var notary = host.Rest(EstateTesting.NotaryToken);
        await ExpectAsync(HttpStatusCode.OK, EstateTesting.PostAsync(notary, EstateTesting.ForDeceased()));
        var notAnHeir = EstateTesting.Request(
            EstateTesting.Deceased.IdNumber!, EstateTesting.Deceased.Name, DebtorId, "王建军", EstateRelationship.Child, "(2025)浙绍上证民字第1235号");
        await ExpectAsync(HttpStatusCode.Forbidden, EstateTesting.PostAsync(notary, notAnHeir));
    }

    private static async Task FailToWriteTheAuditTrailAsync(GatewayTestHost host)
    {
        host.RefuseAuditWrites();
        using var judge = host.Rest(Requests.JudgeToken);
        using var auditor = host.Rest(GatewayTestHost.Token(Roles.Auditor));
        await ExpectAsync(HttpStatusCode.ServiceUnavailable, judge.PostAsync("/v1/enforcement/asset-queries", Json(AssetQuery(Requests.CaseNumber, DebtorId, person: true))));
        await ExpectAsync(HttpStatusCode.ServiceUnavailable, judge.PostAsync("/v1/enforcement/asset-queries", Json(AssetQuery(Requests.LiCaseNumber, CaseTesting.CompanyDebtorCode, person: false))));
        await ExpectAsync(HttpStatusCode.ServiceUnavailable, auditor.GetAsync($"/v1/audit/records?idNumber={DebtorId}"));
    }

    private static async Task ExpectAsync(HttpStatusCode expected, Task<HttpResponseMessage> sending)
    {
        using var response = await sending;
        if (response.StatusCode != expected)
        {
            var request = response.RequestMessage!;
            var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync();
            Assert.Fail($"{request.Method} {request.RequestUri?.PathAndQuery} {body}: expected {(int)expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static QueryAssetsRequest AssetQuery(string caseNumber, string identifier, bool person, bool fresh = false)
    {
        var subject = new Subject { Name = "被查询人" };
        if (person)
        {
            subject.IdNumber = identifier;
        }
        else
        {
            subject.CreditCode = identifier;
        }

        // Two asset kinds keep the run short; every unit kind was asked in the queries with failing units.
        return new QueryAssetsRequest { CaseNumber = caseNumber, Subject = subject, AssetKinds = { "TAX", "REAL_ESTATE" }, Fresh = fresh };
    }

    private static StringContent Json(IMessage request) => Raw(JsonFormatter.Default.Format(request));

    private static StringContent Raw(string json) => new(json, Encoding.UTF8, "application/json");

    private static bool IsPerson(string identifier) => ResidentIdNumber.TryValidate(identifier, DateOnly.MaxValue, out _, out _);

    /// <summary>Persons: every persona and heir with a resident ID number (organisations are queried through cases).</summary>
    private static IEnumerable<string> PersonaIdentifiers() =>
        GatewayTestHost.Personas.All.SelectMany(p => p.Heirs.Select(h => h.IdNumber).Prepend(p.IdNumber)).OfType<string>().Distinct(StringComparer.Ordinal);

    private static IEnumerable<string> AllIdentifiers() => LogPrivacy.ConfigIdentifiers.Concat(ExtraIds);

    private static List<SeedCase> SeedCases()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(GatewayTestHost.ConfigDirectory, "cases.json")));
        return [.. json.RootElement.GetProperty("cases").EnumerateArray().Select(c => new SeedCase(
            c.GetProperty("caseNumber").GetString()!,
            c.GetProperty("officers")[0].GetString()!,
            c.GetProperty("state").GetString() == "CASE_STATE_OPEN",
            [.. c.GetProperty("parties").EnumerateArray().Select(p => p.TryGetProperty("idNumber", out var id)
                ? new SeedParty(p.GetProperty("role").GetString()!, id.GetString()!, IsPerson: true)
                : new SeedParty(p.GetProperty("role").GetString()!, p.GetProperty("creditCode").GetString()!, IsPerson: false))]))];
    }
}
