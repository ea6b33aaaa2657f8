using Dapper;
using DataGateway.Contracts.V1;
using DataGateway.Features.Privacy;
using DataGateway.IntegrationTests.Audit;
using DataGateway.IntegrationTests.Infrastructure;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace DataGateway.IntegrationTests.Matters;

/// <summary>Reading a matter is an access to its subject: recorded like any other, refused if it cannot be.</summary>
public sealed class MatterReadAuditTests
{
    [Fact]
    public async Task GetMatter_ByTheJudge_RecordsTheReadUnderTheCaseWithTheSubjectsHash()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var judge = host.Matters(Requests.JudgeToken);
        var filed = (await judge.FileMatterAsync(MatterTesting.Freeze())).Matter;

        await judge.GetMatterAsync(new GetMatterRequest { MatterId = filed.MatterId });

        var read = ReadsOf(host, filed.MatterId).Single();
        Assert.Equal(("answered", "judge-wang", Requests.CaseNumber, "matter read"), (read.Outcome, read.ActorSubject, read.Purpose, read.Detail));
        Assert.Equal(host.Services.GetRequiredService<KeyedHasher>().Hash(Requests.Debtor.IdNumber!), read.SubjectHash);
    }

    [Fact]
    public async Task GetMatter_ByAnotherUnit_IsRefusedAndTheRefusalRecorded()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var filed = (await host.Matters(Requests.JudgeToken).FileMatterAsync(MatterTesting.Freeze())).Matter;

        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            host.Matters(MatterTesting.UnitToken(MatterTesting.OtherBank)).GetMatterAsync(new GetMatterRequest { MatterId = filed.MatterId }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        var denied = Assert.Single(host.AuditOf(filed.MatterId), r => r.Outcome == "denied");
        Assert.Equal("matter", denied.Kind);
    }

    [Fact]
    public async Task ListCaseMatters_RecordsOneReadPerMatterShown()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var judge = host.Matters(Requests.JudgeToken);
        var freeze = (await judge.FileMatterAsync(MatterTesting.Freeze())).Matter;
        var seal = (await judge.FileMatterAsync(MatterTesting.Seal())).Matter;

        var listed = await judge.ListCaseMattersAsync(new ListCaseMattersRequest { CaseNumber = Requests.CaseNumber });

        Assert.Equal(2, listed.Matters.Count);
        Assert.Equal("listed with the case's matters", Assert.Single(ReadsOf(host, freeze.MatterId)).Detail);
        Assert.Equal("listed with the case's matters", Assert.Single(ReadsOf(host, seal.MatterId)).Detail);
    }

    [Fact]
    public async Task GetMatter_WhenTheTrailCannotBeWritten_IsRefusedAndShowsNothing()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var judge = host.Matters(Requests.JudgeToken);
        var filed = (await judge.FileMatterAsync(MatterTesting.Freeze())).Matter;
        host.RefuseAuditWrites();

        var refused = await Assert.ThrowsAsync<RpcException>(() => judge.GetMatterAsync(new GetMatterRequest { MatterId = filed.MatterId }).ResponseAsync);
        var refusedList = await Assert.ThrowsAsync<RpcException>(() => judge.ListCaseMattersAsync(new ListCaseMattersRequest { CaseNumber = Requests.CaseNumber }).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Equal(StatusCode.Unavailable, refusedList.StatusCode);
    }

    private static List<ReadRow> ReadsOf(GatewayTestHost host, string matterId)
    {
        using var connection = host.OpenStore();
        return [.. connection.Query<ReadRow>(
            """
            SELECT outcome AS "Outcome", actor_subject AS "ActorSubject", purpose AS "Purpose", detail AS "Detail", subject_hash AS "SubjectHash"
            FROM audit_records WHERE request_id = @matterId AND kind = 'matter' AND detail IN ('matter read', 'listed with the case''s matters')
            ORDER BY sequence
            """,
            new { matterId })];
    }

    private sealed record ReadRow(string Outcome, string ActorSubject, string Purpose, string Detail, string SubjectHash);
}
