using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Identity;
using DataGateway.IntegrationTests.Audit;
using DataGateway.IntegrationTests.Infrastructure;
using DataGateway.Simulator;
using Google.Protobuf;

namespace DataGateway.IntegrationTests.Estate;

/// <summary>Requests and tokens a notary of the Shangyu notary office would use, built from the demo personas.</summary>
internal static class EstateTesting
{
    public const string Office = "浙绍上";

    public const string FileNumber = "(2025)浙绍上证民字第1234号";

    public static Persona Deceased => GatewayTestHost.Personas.WithTag("deceased");

    public static Heir Spouse => Deceased.Heirs.Single(h => h.Relationship == "spouse");

    /// <summary>notary-zhou of the Shangyu notary office.</summary>
    public static string NotaryToken { get; } = NotaryTokenFor("notary-zhou", Office);

    public static string NotaryTokenFor(string subject, string? office) => DevelopmentTokenIssuer.Issue(
        GatewayTestHost.Auth,
        new DevelopmentTokenRequest { Subject = subject, Roles = [Roles.Notary], NotaryOffice = office },
        TimeProvider.System);

    /// <summary>The deceased persona's estate, applied for by its spouse.</summary>
    public static CreateEstateInquiryRequest ForDeceased(string fileNumber = FileNumber) =>
        Request(Deceased.IdNumber!, Deceased.Name, Spouse.IdNumber, Spouse.Name, EstateRelationship.Spouse, fileNumber);

    public static CreateEstateInquiryRequest Request(
        string deceasedId, string deceasedName, string applicantId, string applicantName, EstateRelationship relationship, string fileNumber = FileNumber) =>
        new()
        {
            NotarialFileNumber = fileNumber,
            Deceased = new Subject { IdNumber = deceasedId, Name = deceasedName },
            Applicant = new EstateApplicant { IdNumber = applicantId, Name = applicantName, Relationship = relationship },
        };

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, CreateEstateInquiryRequest request) =>
        client.PostAsJsonAsync("/v1/estate/inquiries", JsonSerializer.Deserialize<JsonElement>(JsonFormatter.Default.Format(request)));

    public static async Task<EstateReport> ReportOf(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        return JsonParser.Default.Parse<CreateEstateInquiryResponse>(body).Report;
    }

    /// <summary>Units serving a death item: the only ones a refused inquiry may have asked.</summary>
    public static HashSet<string> DeathUnits { get; } =
        [.. GatewayTestHost.Catalog.Units.Where(u => u.DataItems.Any(c => c.StartsWith("EST-DEATH-", StringComparison.Ordinal))).Select(u => u.Id)];

    /// <summary>Units serving a kinship item.</summary>
    public static HashSet<string> KinshipUnits { get; } =
        [.. GatewayTestHost.Catalog.Units.Where(u => u.DataItems.Any(c => c.StartsWith("EST-KIN-", StringComparison.Ordinal))).Select(u => u.Id)];

    /// <summary>The estate items a notary is granted: every shared one.</summary>
    public static List<Domain.Catalog.DataItemDefinition> GrantedItems { get; } =
    [
        .. GatewayTestHost.Catalog.DataItems.Where(i => i.Code.StartsWith("EST-", StringComparison.Ordinal) && i.Roles.Contains(Roles.Notary)),
    ];

    /// <summary>Units that were called at least once since the simulator's counters were last reset.</summary>
    public static List<string> UnitsCalled(GatewayTestHost host) =>
        [.. GatewayTestHost.Catalog.Units.Select(u => u.Id).Where(id => host.Simulator.Stats.CallsTo(id) > 0)];

    public sealed record AuditRow(string Kind, string RequestId, string? Purpose, string Outcome, string? Detail, string UnitsAsked, string ItemsReturned, string? SubjectHash);

    public static List<AuditRow> AuditRecords(GatewayTestHost host)
    {
        using var store = host.OpenStore();
        return [.. store.Query<AuditRow>(
            """
            SELECT kind AS Kind, request_id AS RequestId, purpose AS Purpose, outcome AS Outcome, detail AS Detail,
                   units_asked AS UnitsAsked, items_returned AS ItemsReturned, subject_hash AS SubjectHash
              FROM audit_records ORDER BY sequence
            """)];
    }
}
