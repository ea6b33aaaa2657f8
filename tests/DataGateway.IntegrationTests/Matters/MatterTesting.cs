using Dapper;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Catalog;
using DataGateway.Domain.Identity;
using DataGateway.Features.Matters;
using DataGateway.IntegrationTests.Audit;
using DataGateway.IntegrationTests.Infrastructure;
using DataGateway.Simulator.Matters;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DataGateway.IntegrationTests.Matters;

/// <summary>Requests, tokens and waits for the matter, feedback and SLA tests.</summary>
internal static class MatterTesting
{
    /// <summary>Shangyu rural commercial bank: FREEZE, RENEW_FREEZE, UNFREEZE, DEDUCT; 1 working day for freezes.</summary>
    public const string Bank = "bank-sxrcb";

    public const string Registry = "realestate-registry";

    public static string OtherBank => GatewayTestHost.Catalog.UnitsOf(UnitKind.Bank).First(u => u.Id != Bank).Id;

    public static string ThirdBank => GatewayTestHost.Catalog.UnitsOf(UnitKind.Bank).Where(u => u.Id != Bank).Skip(1).First().Id;

    /// <summary>China Standard Time.</summary>
    public static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    /// <summary>A fake clock at a China Standard Time moment (after every seeded case was registered).</summary>
    public static Microsoft.Extensions.Time.Testing.FakeTimeProvider ClockAt(int year, int month, int day, int hour = 10) =>
        new(new DateTimeOffset(year, month, day, hour, 0, 0, Cst));

    public static Subject Debtor => new() { IdNumber = Requests.Debtor.IdNumber!, Name = Requests.Debtor.Name };

    public static FileMatterRequest Freeze(string bankId = Bank, int termMonths = 6, string amount = "50000.00") => new()
    {
        CaseNumber = Requests.CaseNumber,
        UnitId = bankId,
        Action = MatterAction.Freeze,
        Subject = Debtor,
        AssetReference = "6228480329108876512",
        AmountYuan = amount,
        TermMonths = termMonths,
        Document = new MatterDocument { RulingNumber = "(2024)浙0604执1234号之一", NoticeNumber = "(2024)浙0604执1234号协助执行通知书之一" },
    };

    public static FileMatterRequest Seal(string unitId = Registry, int termMonths = 36) => new()
    {
        CaseNumber = Requests.CaseNumber,
        UnitId = unitId,
        Action = MatterAction.Seal,
        Subject = Debtor,
        AssetReference = "浙(2021)绍兴市上虞区不动产权第0012345号",
        TermMonths = termMonths,
        Document = new MatterDocument { RulingNumber = "(2024)浙0604执1234号之二", NoticeNumber = "(2024)浙0604执1234号协助执行通知书之二" },
    };

    public static SubmitFeedbackRequest Completed(string matterId, string receipt = "HZ-0001") => new()
    {
        MatterId = matterId,
        Outcome = FeedbackOutcome.Completed,
        ExecutedAmountYuan = "50000.00",
        ReceiptNumber = receipt,
    };

    /// <summary>A request as a REST client writes it (the contract's JSON mapping).</summary>
    public static object RestBody(Google.Protobuf.IMessage request) =>
        System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement>(Google.Protobuf.JsonFormatter.Default.Format(request));

    /// <summary>A development token for <paramref name="unitId"/>'s own system.</summary>
    public static string UnitToken(string unitId) => DevelopmentTokenIssuer.Issue(
        GatewayTestHost.Auth,
        new DevelopmentTokenRequest { Subject = "system-" + unitId, Roles = [Roles.Unit], UnitIds = [unitId] },
        TimeProvider.System);

    /// <summary>An agency admin of the given units (claim unit_id as a JSON array).</summary>
    public static string AdminToken(params string[] unitIds) => AdminTokenWith(new Dictionary<string, object> { [GatewayClaimTypes.UnitId] = unitIds });

    /// <summary>A district-wide agency admin (claim scope = "district").</summary>
    public static string DistrictAdminToken() => AdminTokenWith(new Dictionary<string, object> { ["scope"] = "district" });

    /// <summary>Lets the simulated units answer their matters through <paramref name="host"/>'s MatterService, as the real loop does.</summary>
    public static void ConnectSimulatorFeedback(GatewayTestHost host) =>
        host.Simulator.Matters.Connect(new GatewayFeedbackSender(host.Invoker, UnitToken));

    public static MatterDispatcher Dispatcher(this GatewayTestHost host) => host.Services.GetRequiredService<MatterDispatcher>();

    /// <summary>Waits until the dispatcher sleeps until exactly <paramref name="until"/>, so moving the clock there wakes it.</summary>
    public static Task DispatcherSleepsUntilAsync(this GatewayTestHost host, DateTimeOffset until) =>
        Eventually.HoldsAsync(() => host.Dispatcher().IdleUntil == until);

    /// <summary>The audit records about one matter (request id = matter id), oldest first: (kind, outcome).</summary>
    public static IReadOnlyList<(string Kind, string Outcome)> AuditOf(this GatewayTestHost host, string matterId)
    {
        using var connection = host.OpenStore();
        return [.. connection.Query<(string, string)>("SELECT kind, outcome FROM audit_records WHERE request_id = @matterId ORDER BY sequence", new { matterId })];
    }

    private static string AdminTokenWith(Dictionary<string, object> extra)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object>(extra)
        {
            [GatewayClaimTypes.Subject] = "admin-" + Guid.NewGuid().ToString("N")[..8],
            [GatewayClaimTypes.Roles] = new[] { Roles.AgencyAdmin },
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = GatewayTestHost.Auth.Issuer,
            Audience = GatewayTestHost.Auth.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddHours(1),
            Claims = claims,
            SigningCredentials = new SigningCredentials(GatewayTestHost.Auth.Key(), SecurityAlgorithms.HmacSha256),
        });
    }
}
