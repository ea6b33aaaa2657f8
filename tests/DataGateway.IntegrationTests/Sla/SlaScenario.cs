using DataGateway.Contracts.V1;
using DataGateway.IntegrationTests.Infrastructure;
using DataGateway.IntegrationTests.Matters;

namespace DataGateway.IntegrationTests.Sla;

/// <summary>
/// The scripted month of one bank: 10 freezes filed on Monday 2 November 2026 (due by the end of Tuesday), 7 answered
/// the same day, 2 answered on Wednesday (late), 1 never. Feedback rate 9/10, on-time rate 7/10. Other units get a
/// little traffic so the board has more than one row: a second bank answers its two freezes on time, a third never
/// answers its one.
/// </summary>
internal static class SlaScenario
{
    public const string Unit = MatterTesting.Bank;

    public static Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock() => MatterTesting.ClockAt(2026, 11, 2);

    /// <summary>Plays the scenario against any gateway the delegates reach (gRPC test server or REST on Kestrel).</summary>
    public static async Task PlayAsync(
        Func<FileMatterRequest, Task<Matter>> file,
        Func<string, SubmitFeedbackRequest, Task> answer,
        Microsoft.Extensions.Time.Testing.FakeTimeProvider time)
    {
        var matters = new List<Matter>();
        for (var i = 0; i < 10; i++)
        {
            matters.Add(await file(MatterTesting.Freeze(Unit, amount: $"{10000 + i}.00")));
        }

        var good = new[] { await file(MatterTesting.Freeze(MatterTesting.OtherBank)), await file(MatterTesting.Freeze(MatterTesting.OtherBank)) };
        await file(MatterTesting.Freeze(MatterTesting.ThirdBank));

        time.Advance(TimeSpan.FromHours(2));
        for (var i = 0; i < 7; i++)
        {
            await answer(Unit, MatterTesting.Completed(matters[i].MatterId, $"HZ-{i}"));
        }

        foreach (var matter in good)
        {
            await answer(MatterTesting.OtherBank, MatterTesting.Completed(matter.MatterId, "OK-" + matter.MatterId[..8]));
        }

        // Past Tuesday's end: the deadline of all of them.
        time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromHours(12));
        for (var i = 7; i < 9; i++)
        {
            await answer(Unit, MatterTesting.Completed(matters[i].MatterId, $"HZ-{i}"));
        }
    }

    public static Task PlayAsync(GatewayTestHost host) => PlayAsync(
        async request => (await host.Matters(Requests.JudgeToken).FileMatterAsync(request)).Matter,
        async (unitId, feedback) => await host.Matters(MatterTesting.UnitToken(unitId)).SubmitFeedbackAsync(feedback),
        host.Time);
}
