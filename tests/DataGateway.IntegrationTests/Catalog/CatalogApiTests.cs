using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Identity;
using DataGateway.IntegrationTests.Infrastructure;
using Google.Protobuf;

namespace DataGateway.IntegrationTests.Catalog;

public sealed class CatalogApiTests
{
    [Fact]
    public async Task ListUnits_PagesThroughAll489AssistingUnitsAndTheCourt()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var client = host.CatalogClient(GatewayTestHost.Token(Roles.AgencyAdmin));

        var ids = new List<string>();
        var request = new ListUnitsRequest { PageSize = 200 };
        ListUnitsResponse page;
        do
        {
            page = await client.ListUnitsAsync(request);
            ids.AddRange(page.Units.Select(u => u.UnitId));
            request.PageToken = page.NextPageToken;
        }
        while (page.NextPageToken.Length > 0);

        // 489 assisting units, and the court's own systems answering the estate service.
        Assert.Equal(490, page.TotalSize);
        Assert.Equal(GatewayTestHost.Catalog.Units.Select(u => u.Id), ids);
    }

    [Fact]
    public async Task ListUnits_ByKind_OverRest_GivesTheBanks()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var client = host.Rest(GatewayTestHost.Token(Roles.Judge));

        var json = await client.GetStringAsync("/v1/units?kind=Bank&pageSize=500");
        var answer = JsonParser.Default.Parse<ListUnitsResponse>(json);

        Assert.True(answer.Units.Count >= 20);
        Assert.All(answer.Units, u => Assert.Equal("Bank", u.Kind));
        Assert.All(answer.Units, u => Assert.Contains("DEPOSIT", u.AssetKinds));
    }

    [Theory]
    [InlineData("/v1/units?kind=Bakery", "kind")]
    [InlineData("/v1/units?assetKind=GOLD", "assetKind")]
    [InlineData("/v1/units?pageSize=501", "pageSize")]
    [InlineData("/v1/units?pageToken=abc", "pageToken")]
    public async Task ListUnits_BadFilter_Is400NamingTheField(string path, string field)
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var client = host.Rest(GatewayTestHost.Token(Roles.Judge));

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }

    [Fact]
    public async Task GetUnit_Unknown_Is404()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var client = host.Rest(GatewayTestHost.Token(Roles.Judge));

        using var response = await client.GetAsync("/v1/units/no-such-unit");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task DataItems_AndAssetKinds_AreListed()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var client = host.Rest(GatewayTestHost.Token(Roles.Notary));

        var items = JsonParser.Default.Parse<ListDataItemsResponse>(await client.GetStringAsync("/v1/data-items"));
        var kinds = JsonParser.Default.Parse<ListAssetKindsResponse>(await client.GetStringAsync("/v1/asset-kinds"));

        Assert.Equal(GatewayTestHost.Catalog.DataItems.Count, items.DataItems.Count);
        Assert.Contains(kinds.AssetKinds, k => k.Code == "REAL_ESTATE" && k.NameZh.Length > 0);
    }

    [Fact]
    public async Task Catalog_WithoutToken_Is401()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var client = host.Rest(token: null);

        using var response = await client.GetAsync("/v1/units");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
