using System.Security.Claims;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Identity;
using DataGateway.Domain.Subjects;
using DataGateway.IntegrationTests.Infrastructure;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace DataGateway.IntegrationTests.Cases;

/// <summary>Tokens, principals, requests and clients for the case registry tests.</summary>
internal static class CaseTesting
{
    public const string Court = "浙0604";

    /// <summary>Seeded (config/cases.json): judge-wang; debtors 王建军 and 恒昌化工, applicant a bank.</summary>
    public const string WangCase = "(2024)浙0604执1234号";

    /// <summary>Seeded: judge-wang; debtor 孙志强 (the no-assets persona).</summary>
    public const string WangNoAssetsCase = "(2025)浙0604执2087号";

    /// <summary>Seeded: judge-li; debtor 恒昌化工.</summary>
    public const string LiCase = "(2026)浙0604执3561号";

    /// <summary>Seeded: judge-wang, closed; debtor 王建军.</summary>
    public const string ClosedCase = "(2023)浙0604执876号";

    public const string PersonDebtorId = "330682197803150113";
    public const string CompanyDebtorCode = "913306047258731244";
    public const string NoAssetsId = "33060419880704003X";
    public const string BankApplicantCode = "91330604146200118A";

    /// <summary>Every identifier in config/cases.json: none may ever reach the store in plain text.</summary>
    public static readonly string[] SeededIdentifiers =
    [
        PersonDebtorId, CompanyDebtorCode, NoAssetsId, BankApplicantCode,
        "330604198302241629", "91330604MA2BC7D3XY", "91330604MA29K8L5QH", "33068219650812003X",
    ];

    /// <summary>A development token with exactly this <c>sub</c>, role and (optional) court claim.</summary>
    public static string Token(string subject, string role, string? court = null) =>
        DevelopmentTokenIssuer.Issue(
            GatewayTestHost.Auth,
            new DevelopmentTokenRequest { Subject = subject, Roles = [role], CourtCode = court },
            TimeProvider.System);

    public static string CourtSystemToken => Token("court-system-0604", Roles.CourtSystem, Court);

    public static string JudgeWangToken => Token("judge-wang", Roles.Judge, Court);

    public static string JudgeLiToken => Token("judge-li", Roles.Judge, Court);

    public static string NotaryToken => GatewayTestHost.Token(Roles.Notary);

    public static ClaimsPrincipal Judge(string? subject, string? court = Court)
    {
        var claims = new List<Claim> { new(GatewayClaimTypes.Roles, Roles.Judge) };
        if (subject is not null)
        {
            claims.Add(new Claim(GatewayClaimTypes.Subject, subject));
        }

        if (court is not null)
        {
            claims.Add(new Claim(GatewayClaimTypes.Court, court));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, "test", GatewayClaimTypes.Name, GatewayClaimTypes.Roles));
    }

    /// <summary>The REST path of a case, percent-encoded as a careful client sends it: "(" is %28, 浙 is %E6%B5%99.</summary>
    public static string Path(string caseNumber) => "/v1/cases/" + Uri.EscapeDataString(caseNumber);

    /// <summary>A valid open case of judge-wang with a person debtor and a company applicant.</summary>
    public static PutCaseRequest NewCase(string caseNumber, string debtorId, params string[] officers) => new()
    {
        CaseNumber = caseNumber,
        CourtCode = Court,
        Officers = { officers.Length == 0 ? ["judge-wang"] : officers },
        Parties =
        {
            new CaseParty { Role = PartyRole.Debtor, Name = "测试被执行人", IdNumber = debtorId },
            new CaseParty { Role = PartyRole.Applicant, Name = "绍兴市上虞区鑫达建材有限公司", CreditCode = "91330604MA2BC7D3XY" },
        },
        State = CaseState.Open,
        RegisteredOn = "2026-01-05",
    };

    /// <summary>A synthetic but valid resident ID number of someone born in Shangyu on 1990-01-01.</summary>
    public static string PersonId(int sequence)
    {
        var first17 = $"33060419900101{sequence % 1000:D3}";
        return first17 + ResidentIdNumber.ComputeCheckCharacter(first17);
    }

    public static string Json(PutCaseRequest request)
    {
        // The path carries the case number; a REST body need not repeat it.
        var body = request.Clone();
        body.CaseNumber = string.Empty;
        return Google.Protobuf.JsonFormatter.Default.Format(body);
    }

    public static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    public static CaseRegistryService.CaseRegistryServiceClient Grpc(GatewayTestHost host, string? token)
    {
        var server = (TestServer)host.Services.GetRequiredService<IServer>();
        var channel = GrpcChannel.ForAddress(server.BaseAddress, new GrpcChannelOptions { HttpHandler = server.CreateHandler() });
        var invoker = token is null
            ? channel.CreateCallInvoker()
            : channel.Intercept(metadata =>
            {
                metadata.Add("Authorization", "Bearer " + token);
                return metadata;
            });
        return new CaseRegistryService.CaseRegistryServiceClient(invoker);
    }
}
