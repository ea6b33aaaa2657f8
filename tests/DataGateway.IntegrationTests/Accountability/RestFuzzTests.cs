using DataGateway.IntegrationTests.Infrastructure;

namespace DataGateway.IntegrationTests.Accountability;

/// <summary>One gateway for the fuzz cases, with rate limits out of the way: a 429 would hide what the input does.</summary>
public sealed class FuzzHostFixture : IAsyncLifetime
{
    public GatewayTestHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await GatewayTestHost.StartAsync(settings: new Dictionary<string, string?>
    {
        ["Limits:Roles:judge"] = "1000000",
        ["Limits:Roles:agency-admin"] = "1000000",
        ["Limits:Roles:auditor"] = "1000000",
        ["Limits:Roles:court-system"] = "1000000",
    });

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// Every REST route, attacked with malformed and hostile input by a caller of the right role: the gateway must refuse
/// each with a 4xx problem-details answer, never a 5xx, and refusing must leave no trace: no audit record (other than
/// the auditor's own recorded searches), no change to the case registry, no call to any unit.
/// </summary>
public sealed class RestFuzzTests(FuzzHostFixture fixture) : IClassFixture<FuzzHostFixture>
{
    public static TheoryData<string, string> RoutesAndCategories()
    {
        var data = new TheoryData<string, string>();
        foreach (var route in FuzzRoutes.All)
        {
            foreach (var category in FuzzCases.CategoriesOf(route))
            {
                data.Add(route.Route, category);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RoutesAndCategories))]
    public async Task Route_HostileInput_IsRefusedWith4xxProblemDetails_AndChangesNothing(string route, string category)
    {
        var host = fixture.Host;
        var target = FuzzRoutes.Get(route);
        var cases = FuzzCases.For(target, category, AuthorizationMatrix.TokenOf(target.Caller));
        var before = GatewayState.Of(host);

        var failures = new List<string>();
        foreach (var fuzz in cases)
        {
            var response = await RawRest.SendAsync(host, fuzz.Request);
            var problem = response.Status switch
            {
                >= 500 => "a server error",
                < 400 when !fuzz.MayBeServed => "served, though the input is invalid",
                >= 400 when response.MediaType != "application/problem+json" => "an error that is not application/problem+json",
                _ => null,
            };
            if (problem is not null)
            {
                failures.Add($"{fuzz.Label}: {problem}{Environment.NewLine}    request:  {fuzz.Request.Describe()}{Environment.NewLine}    response: {response}");
            }
        }

        var after = GatewayState.Of(host);
        if (after.AuditRecords != before.AuditRecords)
        {
            failures.Add($"the audit trail grew by {after.AuditRecords - before.AuditRecords} records");
        }

        if (after.Registry != before.Registry)
        {
            failures.Add("the case registry changed");
        }

        if (after.OtherTables != before.OtherTables)
        {
            failures.Add($"the store changed: {before.OtherTables} became {after.OtherTables}");
        }

        if (after.UnitCalls != before.UnitCalls)
        {
            failures.Add($"units were called {after.UnitCalls - before.UnitCalls} times");
        }

        Assert.True(cases.Count >= 10, $"only {cases.Count} cases");
        Assert.True(failures.Count == 0, $"{category} on {route}, {cases.Count} cases:{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");
    }

    [Fact]
    public void FuzzRoutes_CoverEveryHttpRouteTheProtosDeclare()
    {
        var fuzzed = FuzzRoutes.All.Select(r => r.Route).ToHashSet(StringComparer.Ordinal);

        var missing = ProtoHttpRules.All.Where(r => !fuzzed.Contains(r.Key)).Select(r => $"{r.Key} ({r.Rpc})").ToList();

        Assert.True(missing.Count == 0, $"routes in protos/ the fuzz test does not attack: {string.Join("; ", missing)}");
    }

    /// <summary>
    /// An unknown member is a caller's mistake the gateway must point out, not drop: "assetKind" for assetKinds turns a
    /// tax query into one of every asset kind (deposits included), "refresh" for fresh serves cached data to a judge
    /// about to seal.
    /// </summary>
    [Theory]
    [InlineData("assetKinds", "assetKind", "[\"TAX\"]")]
    [InlineData("fresh", "refresh", "true")]
    public async Task AssetQuery_MisspeltMember_IsRefusedNamingIt_AndNoUnitIsAsked(string meant, string member, string json)
    {
        var host = fixture.Host;
        var body = FuzzRoutes.Get("POST /v1/enforcement/asset-queries").ValidBody!.DeepClone().AsObject();
        body.Remove(meant);
        body[member] = System.Text.Json.Nodes.JsonNode.Parse(json);
        var before = GatewayState.Of(host);

        var response = await RawRest.SendAsync(host, new RawRequest(
            "POST", "/v1/enforcement/asset-queries", string.Empty, "application/json", System.Text.Encoding.UTF8.GetBytes(body.ToJsonString()), AuthorizationMatrix.TokenOf("judge-assigned")));

        Assert.True(response.Status == 400, $"{body.ToJsonString()} was answered {response}");
        Assert.Equal("application/problem+json", response.MediaType);
        Assert.Contains(member, response.Body, StringComparison.Ordinal);
        Assert.Equal(before, GatewayState.Of(host));
    }
}
