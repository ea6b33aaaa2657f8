using DataGateway.Simulator.Units;

namespace DataGateway.Simulator.Matters;

/// <summary>
/// The simulated units' matters, for the host that embeds the simulator and for tests: connect where answers go, switch
/// a unit's way of answering at run time, and see what was taken and answered.
/// </summary>
public sealed class SimulatedMatters
{
    private readonly MatterDesk _desk;
    private readonly UnitDirectory _units;

    internal SimulatedMatters(MatterDesk desk, UnitDirectory units)
    {
        _desk = desk;
        _units = units;
    }

    /// <summary>Matters taken, each counted once however often it was delivered.</summary>
    public long Taken => _desk.Taken;

    /// <summary>Deliveries of a matter already taken.</summary>
    public long Duplicates => _desk.Duplicates;

    /// <summary>Answers the gateway took.</summary>
    public long AnswersSent => _desk.Sent;

    /// <summary>Answers the gateway refused for good, or that ran out of tries.</summary>
    public long AnswersFailed => _desk.Failed;

    /// <summary>Answers waiting for their time (or being sent).</summary>
    public int AnswersPending => _desk.Scheduled;

    /// <summary>
    /// Sends the answers of matters taken from now on to <paramref name="sender"/> (usually a
    /// <see cref="GatewayFeedbackSender"/>); until connected, matters are taken and never answered.
    /// </summary>
    public void Connect(IMatterFeedbackSender sender)
    {
        ArgumentNullException.ThrowIfNull(sender);
        _desk.Connect(sender);
    }

    /// <summary>How <paramref name="unitId"/> answers matters it takes from now on.</summary>
    /// <exception cref="ArgumentException">The simulator hosts no such unit, or the behaviour is out of range.</exception>
    public void SetBehaviour(string unitId, FeedbackBehaviour behaviour)
    {
        ArgumentNullException.ThrowIfNull(behaviour);
        var unit = _units.Get(unitId, nameof(unitId));
        var problems = behaviour.Validate(unitId);
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(behaviour));
        }

        _desk.SetBehaviour(unit.Id, behaviour);
    }

    /// <exception cref="ArgumentException">The simulator hosts no such unit.</exception>
    public FeedbackBehaviour BehaviourOf(string unitId) => _desk.BehaviourOf(_units.Get(unitId, nameof(unitId)));

    /// <summary>Matters <paramref name="unitId"/> has taken.</summary>
    public int TakenBy(string unitId) => _desk.TakenBy(unitId);

    /// <summary>Answers of <paramref name="unitId"/> the gateway took.</summary>
    public int AnswersSentBy(string unitId) => _desk.SentBy(unitId);

    /// <summary>Whether a unit has taken the matter <paramref name="matterId"/>.</summary>
    public bool HasTaken(string matterId) => _desk.Has(matterId);
}
