using DataGateway.Simulator.Units;

namespace DataGateway.Simulator;

/// <summary>
/// What the simulated units have been asked: calls, failures, refusals, and calls in flight now and at most. Tests and
/// benchmarks read it to see what the gateway really sent (how many calls, how many at once).
/// </summary>
/// <remarks>
/// A call counts once it passes validation (known unit, a purpose, a subject), whatever it ends in:
/// <list type="bullet">
/// <item><see cref="CallsTo"/> and <see cref="TotalCalls"/>: every such call — answered, failed, refused, hung or
/// cancelled.</item>
/// <item><see cref="FailedCalls"/>: calls answered with a simulated failure after their latency (Internal from
/// <see cref="UnitFault.ErrorRate"/>, Unavailable from <see cref="UnitFault.FailNext"/>).</item>
/// <item><see cref="RefusedCalls"/>: calls refused at once because the unit is <see cref="FaultMode.Down"/>; never in
/// flight.</item>
/// <item>In flight: a call waiting its unit's latency, or hanging (<see cref="FaultMode.Hang"/>) until cancelled.</item>
/// </list>
/// </remarks>
public sealed class SimulatorStats
{
    private readonly UnitDirectory _units;
    private readonly List<Waiter> _waiters = [];
    private long _totalCalls;
    private int _inFlight;
    private int _maxInFlight;
    private int _waiterCount;

    internal SimulatorStats(UnitDirectory units) => _units = units;

    /// <summary>Calls to all units together since start or <see cref="Reset"/>, whatever they ended in.</summary>
    public long TotalCalls => Interlocked.Read(ref _totalCalls);

    /// <summary>Calls in flight now, all units together.</summary>
    public int InFlightOverall => Volatile.Read(ref _inFlight);

    /// <summary>Most calls in flight at once, all units together, since start or <see cref="Reset"/>.</summary>
    public int MaxInFlightOverall => Volatile.Read(ref _maxInFlight);

    /// <summary>Calls to <paramref name="unitId"/>, whatever they ended in (failed and refused ones included).</summary>
    /// <exception cref="ArgumentException">The simulator hosts no unit <paramref name="unitId"/>.</exception>
    public long CallsTo(string unitId) => Interlocked.Read(ref _units.Get(unitId, nameof(unitId)).Calls);

    /// <summary>Calls to <paramref name="unitId"/> answered with a simulated failure (error rate or fail-next).</summary>
    /// <exception cref="ArgumentException">The simulator hosts no unit <paramref name="unitId"/>.</exception>
    public long FailedCalls(string unitId) => Interlocked.Read(ref _units.Get(unitId, nameof(unitId)).Failed);

    /// <summary>Calls to <paramref name="unitId"/> refused at once because it was down.</summary>
    /// <exception cref="ArgumentException">The simulator hosts no unit <paramref name="unitId"/>.</exception>
    public long RefusedCalls(string unitId) => Interlocked.Read(ref _units.Get(unitId, nameof(unitId)).Refused);

    /// <exception cref="ArgumentException">The simulator hosts no unit <paramref name="unitId"/>.</exception>
    public int InFlight(string unitId) => Volatile.Read(ref _units.Get(unitId, nameof(unitId)).InFlight);

    /// <exception cref="ArgumentException">The simulator hosts no unit <paramref name="unitId"/>.</exception>
    public int MaxInFlight(string unitId) => Volatile.Read(ref _units.Get(unitId, nameof(unitId)).MaxInFlight);

    /// <summary>Completes when at least <paramref name="count"/> calls are in flight at once (now or later).</summary>
    public Task WaitForInFlightAsync(int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return WaitAsync(inFlight => inFlight >= count, cancellationToken);
    }

    /// <summary>Completes when no call is in flight (at once if none is now).</summary>
    public Task WaitForIdleAsync(CancellationToken cancellationToken) => WaitAsync(inFlight => inFlight == 0, cancellationToken);

    /// <summary>Zeroes the call, failure and refusal counts; the maxima restart from the calls in flight now.</summary>
    public void Reset()
    {
        foreach (var unit in _units.Units)
        {
            Interlocked.Exchange(ref unit.Calls, 0);
            Interlocked.Exchange(ref unit.Failed, 0);
            Interlocked.Exchange(ref unit.Refused, 0);
            Interlocked.Exchange(ref unit.MaxInFlight, Volatile.Read(ref unit.InFlight));
        }

        Interlocked.Exchange(ref _totalCalls, 0);
        Interlocked.Exchange(ref _maxInFlight, Volatile.Read(ref _inFlight));
    }

    internal void Enter(SimulatedUnit unit)
    {
        Interlocked.Increment(ref unit.Calls);
        RaiseMax(ref unit.MaxInFlight, Interlocked.Increment(ref unit.InFlight));
        Interlocked.Increment(ref _totalCalls);
        var inFlight = Interlocked.Increment(ref _inFlight);
        RaiseMax(ref _maxInFlight, inFlight);
        if (Volatile.Read(ref _waiterCount) != 0)
        {
            Signal(inFlight);
        }
    }

    /// <summary>A call refused without entering flight.</summary>
    internal void Refuse(SimulatedUnit unit)
    {
        Interlocked.Increment(ref unit.Calls);
        Interlocked.Increment(ref unit.Refused);
        Interlocked.Increment(ref _totalCalls);
    }

    /// <summary>A call, already counted on entry, answered with a simulated failure.</summary>
    internal static void Fail(SimulatedUnit unit) => Interlocked.Increment(ref unit.Failed);

    internal void Exit(SimulatedUnit unit)
    {
        Interlocked.Decrement(ref unit.InFlight);
        var inFlight = Interlocked.Decrement(ref _inFlight);
        if (Volatile.Read(ref _waiterCount) != 0)
        {
            Signal(inFlight);
        }
    }

    private static void RaiseMax(ref int max, int value)
    {
        var current = Volatile.Read(ref max);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref max, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private Task WaitAsync(Func<int, bool> condition, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        var waiter = new Waiter(condition);
        lock (_waiters)
        {
            if (condition(Volatile.Read(ref _inFlight)))
            {
                return Task.CompletedTask;
            }

            _waiters.Add(waiter);
            Interlocked.Increment(ref _waiterCount);
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.Registration = cancellationToken.Register(
                static state =>
                {
                    var (stats, w, token) = ((SimulatorStats, Waiter, CancellationToken))state!;
                    if (stats.Remove(w))
                    {
                        w.Completion.TrySetCanceled(token);
                    }
                },
                (this, waiter, cancellationToken));
            if (waiter.Completion.Task.IsCompleted)
            {
                // Signalled before the registration existed to be disposed.
                waiter.Registration.Dispose();
            }
        }

        return waiter.Completion.Task;
    }

    private bool Remove(Waiter waiter)
    {
        lock (_waiters)
        {
            if (!_waiters.Remove(waiter))
            {
                return false;
            }

            Interlocked.Decrement(ref _waiterCount);
            return true;
        }
    }

    private void Signal(int inFlightAtChange)
    {
        List<Waiter>? done = null;
        lock (_waiters)
        {
            // The value this change produced decides "at once"; the current value catches changes raced past it.
            var now = Volatile.Read(ref _inFlight);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                var waiter = _waiters[i];
                if (waiter.Condition(inFlightAtChange) || waiter.Condition(now))
                {
                    _waiters.RemoveAt(i);
                    Interlocked.Decrement(ref _waiterCount);
                    (done ??= []).Add(waiter);
                }
            }
        }

        if (done is not null)
        {
            foreach (var waiter in done)
            {
                waiter.Registration.Dispose();
                waiter.Completion.TrySetResult();
            }
        }
    }

    private sealed class Waiter(Func<int, bool> condition)
    {
        public Func<int, bool> Condition { get; } = condition;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Registration { get; set; }
    }
}
