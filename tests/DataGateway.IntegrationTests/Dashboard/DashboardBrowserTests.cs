using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DataGateway.Contracts.V1;
using DataGateway.IntegrationTests.Infrastructure;
using DataGateway.IntegrationTests.Matters;
using DataGateway.IntegrationTests.Sla;
using Google.Protobuf;
using Microsoft.Playwright;

namespace DataGateway.IntegrationTests.Dashboard;

/// <summary>
/// The dashboard in a real browser: Debian's Chromium (/usr/bin/chromium, installed by .ci/run) driven by Playwright,
/// against the gateway on a real port. Set DATAGATEWAY_DASHBOARD_SCREENSHOT to a file path to keep a screenshot.
/// </summary>
public sealed class DashboardBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Dashboard_InChromium_ShowsTheScriptedUnitsFigures_WorstFirst()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium package (.ci/run does)");
        await using var host = await KestrelGatewayHost.StartAsync(SlaScenario.Clock());
        using var judge = host.Rest(Requests.JudgeToken);
        await SlaScenario.PlayAsync(
            async request => await PostAsync<FileMatterResponse>(judge, "/v1/matters", request) is { } r ? r.Matter : throw new InvalidOperationException(),
            async (unitId, feedback) =>
            {
                using var unit = host.Rest(MatterTesting.UnitToken(unitId));
                await PostAsync<SubmitFeedbackResponse>(unit, $"/v1/matters/{feedback.MatterId}/feedback", feedback);
            },
            host.Time);
        // Two asset queries, the third bank down for the second: query figures on the board too (every bank is asked, and
        // banks with nothing due rank after those with a feedback rate).
        var query = MatterTesting.RestBody(Requests.AssetQuery(Requests.Debtor, "DEPOSIT"));
        (await judge.PostAsJsonAsync("/v1/enforcement/asset-queries", query)).EnsureSuccessStatusCode();
        host.Simulator.Behaviours.SetFault(MatterTesting.ThirdBank, new Simulator.UnitFault { Mode = Simulator.FaultMode.Down });
        (await judge.PostAsJsonAsync("/v1/enforcement/asset-queries", query)).EnsureSuccessStatusCode();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions
        {
            ViewportSize = new ViewportSize { Width = 1360, Height = 900 },
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
        });
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);

        await page.GotoAsync(new Uri(host.Address, "dashboard/?token=" + Uri.EscapeDataString(MatterTesting.DistrictAdminToken())).ToString());
        var row = page.Locator($"#units tbody tr[data-unit-id='{SlaScenario.Unit}']");
        await row.WaitForAsync();
        await page.Locator("body[data-loaded='true']").WaitForAsync();

        Assert.Equal("90.0%", await row.Locator("td[data-field='feedbackRate']").InnerTextAsync());
        Assert.Equal("70.0%", await row.Locator("td[data-field='onTimeRate']").InnerTextAsync());
        Assert.Equal("10", await row.Locator("td[data-field='mattersDue']").InnerTextAsync());
        Assert.Equal("1", await row.Locator("td[data-field='mattersOverdue']").InnerTextAsync());
        Assert.Equal("CLOSED", await row.Locator("td[data-field='circuitState']").InnerTextAsync());
        Assert.Equal("2", await row.Locator("td[data-field='queriesAsked']").InnerTextAsync());
        Assert.Equal("50.0%", await page.Locator($"#units tbody tr[data-unit-id='{MatterTesting.ThirdBank}'] td[data-field='responseRate']").InnerTextAsync());
        Assert.Equal(
            [MatterTesting.ThirdBank, SlaScenario.Unit, MatterTesting.OtherBank],
            (await page.Locator("#units tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.unitId)")).Take(3));
        Assert.Equal(2, await page.Locator("#overdue tbody tr").CountAsync());
        // The worst unit's trend is drawn: a dot for the day its matter was filed.
        Assert.True(await page.Locator("#trend circle").CountAsync() > 0);
        // The token was taken out of the address bar at once.
        Assert.DoesNotContain("token=", page.Url, StringComparison.Ordinal);
        Assert.Empty(errors);

        // Choosing a unit shows its trend.
        await row.ClickAsync();
        await page.Locator("#trend-unit", new PageLocatorOptions { HasTextString = SlaScenario.Unit }).WaitForAsync();

        if (Environment.GetEnvironmentVariable("DATAGATEWAY_DASHBOARD_SCREENSHOT") is { Length: > 0 } screenshot)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        }
    }

    [Fact]
    public async Task Dashboard_PageAndScript_AreServedWithoutAToken_WithAStrictContentSecurityPolicy()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var anonymous = host.Rest(null);

        using var page = await anonymous.GetAsync("/dashboard/");
        using var script = await anonymous.GetAsync("/dashboard/dashboard.js");
        using var missing = await anonymous.GetAsync("/dashboard/secrets.json");
        using var data = await anonymous.GetAsync("/v1/sla/units");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, data.StatusCode);
    }

    private static async Task<T> PostAsync<T>(HttpClient client, string path, IMessage body)
        where T : IMessage<T>, new()
    {
        using var response = await client.PostAsJsonAsync(path, JsonSerializer.Deserialize<JsonElement>(JsonFormatter.Default.Format(body)));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return new JsonParser(JsonParser.Settings.Default.WithIgnoreUnknownFields(true)).Parse<T>(text);
    }
}
