using DataGateway.Contracts.V1;
using DataGateway.Features.Matters;
using DataGateway.IntegrationTests.Infrastructure;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;

namespace DataGateway.IntegrationTests.Matters;

public sealed class MatterDeliveryClaimTests
{
    private static MatterRecord Undelivered(string id, long nowMs) => new()
    {
        MatterId = id,
        CaseNumber = Requests.CaseNumber,
        Action = "FREEZE",
        UnitId = MatterTesting.Bank,
        UnitKind = "Bank",
        SubjectKind = "person",
        SubjectMasked = "330682********0113",
        SubjectName = "王建军",
        SubjectHash = "h",
        SubjectIdentifier = Requests.Debtor.IdNumber,
        NoticeNumber = "n",
        FiledBy = "judge-wang",
        RequesterHash = "r",
        FiledAtMs = nowMs,
        DeadlineMs = nowMs + 86_400_000,
        DeadlineWorkingDays = 1,
        State = MatterLifecycle.Filing,
        NextAttemptMs = nowMs,
    };

    [Fact]
    public async Task Claim_ByTwoReplicas_OnlyOneGetsTheDelivery_UntilItsLeaseExpires()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var store = host.Services.GetRequiredService<IMatterStore>();
        var now = host.Time.GetUtcNow().ToUnixTimeMilliseconds();
        await store.InsertAsync(Undelivered("claim-1", now), CancellationToken.None);
        await store.ActivateAsync("claim-1", CancellationToken.None);

        var first = await store.ClaimDeliveriesAsync("replica-a", now, now + 60_000, 10, CancellationToken.None);
        var second = await store.ClaimDeliveriesAsync("replica-b", now + 1, now + 60_001, 10, CancellationToken.None);
        var afterExpiry = await store.ClaimDeliveriesAsync("replica-b", now + 60_000, now + 120_000, 10, CancellationToken.None);

        Assert.Equal("claim-1", Assert.Single(first).MatterId);
        Assert.Empty(second);
        Assert.Equal("replica-b", Assert.Single(afterExpiry).LeaseOwner);
    }

    [Fact]
    public async Task Delivered_ErasesTheFullIdentifier_AndAFilingMatterIsNeitherVisibleNorClaimed()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var store = host.Services.GetRequiredService<IMatterStore>();
        var now = host.Time.GetUtcNow().ToUnixTimeMilliseconds();
        await store.InsertAsync(Undelivered("filing-1", now), CancellationToken.None);

        Assert.Null(await store.FindAsync("filing-1", CancellationToken.None));
        Assert.Empty(await store.ClaimDeliveriesAsync("replica-a", now, now + 60_000, 10, CancellationToken.None));

        await store.ActivateAsync("filing-1", CancellationToken.None);
        await store.ClaimDeliveriesAsync("replica-a", now, now + 60_000, 10, CancellationToken.None);
        await store.MarkDeliveredAsync("filing-1", "replica-a", now + 5, 1, "SL-1", CancellationToken.None);

        var delivered = await store.FindAsync("filing-1", CancellationToken.None);
        Assert.Equal(MatterLifecycle.Delivered, delivered!.State);
        Assert.Null(delivered.SubjectIdentifier);
        Assert.Null(delivered.LeaseOwner);
        Assert.Equal("SL-1", delivered.AcceptanceNumber);
    }

    [Fact]
    public async Task FiledMatter_AfterDelivery_KeepsNoFullIdentifierInTheStore()
    {
        await using var host = await GatewayTestHost.StartAsync();
        await host.Matters(Requests.JudgeToken).FileMatterAsync(MatterTesting.Freeze());

        using var connection = Audit.AuditTestStore.OpenStore(host);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM matters WHERE subject_identifier IS NOT NULL";
        Assert.Equal(0L, (long)command.ExecuteScalar()!);
        command.CommandText = "SELECT COUNT(*) FROM matters";
        Assert.Equal(1L, (long)command.ExecuteScalar()!);
    }

    [Fact]
    public async Task SimulatedUnit_SameMatterDeliveredTwice_TakesItOnce_AndConfirmsBothWithTheSameNumber()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var channel = GrpcChannel.ForAddress(host.Simulator.GrpcAddress);
        var unit = new AgencyService.AgencyServiceClient(channel);
        var request = new AcceptMatterRequest
        {
            MatterId = "0199aaaa-0000-7000-8000-000000000001",
            UnitId = MatterTesting.Bank,
            Action = MatterAction.Freeze,
            Purpose = new Purpose { CaseNumber = Requests.CaseNumber },
            Subject = MatterTesting.Debtor,
            Deadline = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(host.Time.GetUtcNow().AddDays(1)),
        };

        var first = await unit.AcceptMatterAsync(request);
        var second = await unit.AcceptMatterAsync(request);

        Assert.False(first.Duplicate);
        Assert.True(second.Duplicate);
        Assert.Equal(first.AcceptanceNumber, second.AcceptanceNumber);
        Assert.Equal(1, host.Simulator.Matters.Taken);
        Assert.Equal(1, host.Simulator.Matters.Duplicates);
    }
}
