using System.Collections.Concurrent;
using System.Globalization;
using DataGateway.Contracts.V1;
using DataGateway.Simulator.Synthetic;
using DataGateway.Simulator.Units;
using Grpc.Core;

namespace DataGateway.Simulator.Matters;

/// <summary>
/// The simulated units' matter desk: takes each matter once (a re-delivery gets the same acceptance number back), and
/// schedules its answer on the simulator's clock by the unit's <see cref="FeedbackBehaviour"/>. Answers go to the
/// connected <see cref="IMatterFeedbackSender"/>; with none connected, matters are taken and never answered.
/// </summary>
internal sealed class MatterDesk(MatterFeedbackOptions options, TimeProvider timeProvider, CancellationToken stopping)
{
    private readonly ConcurrentDictionary<string, TakenMatter> _taken = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FeedbackBehaviour> _behaviours = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _sentByUnit = new(StringComparer.Ordinal);
    private IMatterFeedbackSender? _sender;
    private long _duplicates;
    private long _sent;
    private long _failed;
    private int _scheduled;

    public long Taken => _taken.Count;

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public long Sent => Interlocked.Read(ref _sent);

    public long Failed => Interlocked.Read(ref _failed);

    public int Scheduled => Volatile.Read(ref _scheduled);

    public void Connect(IMatterFeedbackSender sender) => Volatile.Write(ref _sender, sender);

    public void SetBehaviour(string unitId, FeedbackBehaviour behaviour) => _behaviours[unitId] = behaviour;

    public FeedbackBehaviour BehaviourOf(SimulatedUnit unit) =>
        _behaviours.TryGetValue(unit.Id, out var behaviour) ? behaviour : options.For(unit.Definition);

    public int TakenBy(string unitId) => _taken.Values.Count(m => m.UnitId == unitId);

    public int SentBy(string unitId) => _sentByUnit.TryGetValue(unitId, out var count) ? count : 0;

    public bool Has(string matterId) => _taken.ContainsKey(matterId);

    public AcceptMatterResponse Accept(SimulatedUnit unit, AcceptMatterRequest request)
    {
        if (string.IsNullOrEmpty(request.MatterId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "matter_id is required."));
        }

        var action = request.Action.ToString();
        if (!unit.Definition.Actions.Any(a => string.Equals(a.Replace("_", string.Empty, StringComparison.Ordinal), action, StringComparison.OrdinalIgnoreCase)))
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"action: unit '{unit.Id}' does not accept {request.Action}."));
        }

        var taken = new TakenMatter(unit.Id, AcceptanceNumber(unit, request.MatterId));
        var first = _taken.TryAdd(request.MatterId, taken);
        if (!first)
        {
            Interlocked.Increment(ref _duplicates);
            return new AcceptMatterResponse { UnitId = unit.Id, MatterId = request.MatterId, AcceptanceNumber = _taken[request.MatterId].AcceptanceNumber, Duplicate = true };
        }

        var behaviour = BehaviourOf(unit);
        if (behaviour.Mode != FeedbackMode.Silent && Volatile.Read(ref _sender) is not null)
        {
            var now = timeProvider.GetUtcNow();
            var answerAt = behaviour.Mode == FeedbackMode.Prompt
                ? now.AddMinutes(behaviour.DelayMinutes)
                : request.Deadline.ToDateTimeOffset().AddMinutes(behaviour.LateByMinutes);
            var delay = answerAt > now ? answerAt - now : TimeSpan.Zero;
            var feedback = Answer(request, behaviour);
            Interlocked.Increment(ref _scheduled);
            // Started before the receipt is returned, so the answer's timer exists as soon as the gateway sees the matter delivered.
            _ = AnswerLaterAsync(unit.Id, feedback, delay);
        }

        return new AcceptMatterResponse { UnitId = unit.Id, MatterId = request.MatterId, AcceptanceNumber = taken.AcceptanceNumber };
    }

    private async Task AnswerLaterAsync(string unitId, SubmitFeedbackRequest feedback, TimeSpan delay)
    {
        try
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, timeProvider, stopping).ConfigureAwait(false);
            }
            else
            {
                await Task.Yield();
            }

            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await Volatile.Read(ref _sender)!.SendAsync(unitId, feedback, stopping).ConfigureAwait(false);
                    Interlocked.Increment(ref _sent);
                    _sentByUnit.AddOrUpdate(unitId, 1, static (_, count) => count + 1);
                    return;
                }
                catch (Exception e) when (!stopping.IsCancellationRequested && attempt < options.SendAttempts && IsTransient(e))
                {
                    await Task.Delay(TimeSpan.FromMinutes(options.SendRetryMinutes), timeProvider, stopping).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The simulator is stopping; its answers stop with it.
        }
        catch (Exception)
        {
            // Refused for good (not the unit's matter, a conflicting answer) or out of tries: counted, not retried.
            Interlocked.Increment(ref _failed);
        }
        finally
        {
            Interlocked.Decrement(ref _scheduled);
        }
    }

    private static bool IsTransient(Exception e) => e switch
    {
        RpcException rpc => rpc.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown or StatusCode.DeadlineExceeded or StatusCode.Aborted,
        HttpRequestException => true,
        _ => false,
    };

    /// <summary>The unit's answer, drawn from the matter id: the same matter always gets the same answer.</summary>
    private static SubmitFeedbackRequest Answer(AcceptMatterRequest request, FeedbackBehaviour behaviour)
    {
        var draw = SyntheticRandom.StableKey(request.MatterId);
        var rejected = (draw >> 11) * (1.0 / (1UL << 53)) < behaviour.RejectShare;
        var feedback = new SubmitFeedbackRequest
        {
            MatterId = request.MatterId,
            Outcome = rejected ? FeedbackOutcome.Rejected : FeedbackOutcome.Completed,
            ReceiptNumber = "HZ" + (draw % 100_000_000).ToString("D8", CultureInfo.InvariantCulture),
        };
        if (rejected)
        {
            feedback.Reason = request.Action switch
            {
                MatterAction.Seal or MatterAction.Freeze => "该财产已被其他法院在先查封（冻结），已办理轮候",
                MatterAction.Deduct => "账户可用余额为零，未能扣划",
                MatterAction.LocatePerson => "经走访，被执行人已长期不在本村居住，下落不明",
                MatterAction.ServeDocument => "受送达人拒绝签收，已留置送达并拍照",
                _ => "无法协助执行：登记信息与通知书不符",
            };
        }
        else if (request.AmountYuan.Length > 0 && request.Action is MatterAction.Freeze or MatterAction.Deduct)
        {
            feedback.ExecutedAmountYuan = request.AmountYuan;
        }

        return feedback;
    }

    private static string AcceptanceNumber(SimulatedUnit unit, string matterId) =>
        $"SL{(unit.Key ^ SyntheticRandom.StableKey(matterId)) % 1_000_000_000:D9}";

    private sealed record TakenMatter(string UnitId, string AcceptanceNumber);
}
