using System.Diagnostics;
using DataGateway.Timing;

namespace DataGateway.Simulator.Units;

/// <summary>
/// <c>Task.Delay</c> on time, for the units' simulated latency on the real clock. A unit configured at 20 ms answered in
/// about 21.3 ms on the bench machine with <c>Task.Delay</c> (the runtime's timer thread waits in whole milliseconds, then
/// hands over to the thread pool), which put a millisecond of the simulator's own into every benchmark figure measured
/// against a 20 ms floor. Here one thread keeps the deadlines in order, waits (woken by any delay due sooner) until
/// the earliest is about 2 ms away and then sleeps to it with <see cref="MonotonicSleep"/>. Simulator code on a fake clock (tests) keeps
/// <c>Task.Delay(delay, timeProvider)</c>.
/// </summary>
internal sealed class OnTimeDelays
{
    /// <summary>Closer than this to the earliest deadline, the thread sleeps to it rather than waiting on the event.</summary>
    private static readonly long SleepWithin = Stopwatch.Frequency / 500;

    private readonly PriorityQueue<Pending, long> _due = new();

    /// <summary>Guards the queue; pulsed when a delay due before all others arrives.</summary>
    private readonly object _gate = new();

    private OnTimeDelays()
    {
        new Thread(Run) { IsBackground = true, Name = "simulator latency" }.Start();
    }

    /// <summary>The process's one instance; its thread starts with the first delay asked for.</summary>
    public static OnTimeDelays Shared => Instance.Value;

    private static Lazy<OnTimeDelays> Instance { get; } = new(() => new OnTimeDelays());

    public Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        var pending = new Pending();
        var deadline = Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency);
        // A cancelled delay ends at once; its entry stays queued until its deadline and is then a no-op.
        pending.Registration = cancellationToken.UnsafeRegister(
            static (state, token) => ((Pending)state!).Completion.TrySetCanceled(token), pending);
        lock (_gate)
        {
            if (!_due.TryPeek(out _, out var first) || deadline < first)
            {
                Monitor.Pulse(_gate);
            }

            _due.Enqueue(pending, deadline);
        }

        return pending.Completion.Task;
    }

    private void Run()
    {
        while (true)
        {
            long deadline;
            lock (_gate)
            {
                if (!_due.TryPeek(out _, out deadline))
                {
                    // Nothing due: wait for the first delay.
                    Monitor.Wait(_gate);
                    continue;
                }

                var left = deadline - Stopwatch.GetTimestamp();
                if (left > SleepWithin)
                {
                    // Woken early when a delay due sooner arrives.
                    Monitor.Wait(_gate, TimeSpan.FromSeconds((double)(left - SleepWithin) / Stopwatch.Frequency));
                    continue;
                }
            }

            // A delay due even sooner that arrives during this sleep (within 2 ms of it) waits for its end: at most
            // 2 ms late, and never with delays that are all the same length, as a unit's are.
            MonotonicSleep.Until(deadline);
            ReleaseDue();
        }
    }

    private void ReleaseDue()
    {
        var now = Stopwatch.GetTimestamp();
        while (true)
        {
            Pending pending;
            lock (_gate)
            {
                if (!_due.TryPeek(out pending!, out var deadline) || deadline > now)
                {
                    return;
                }

                _due.Dequeue();
            }

            pending.Registration.Dispose();
            pending.Completion.TrySetResult();
        }
    }

    private sealed class Pending
    {
        // Continuations run on the thread pool, never on the timer thread: one slow continuation must not hold up the
        // next deadline.
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Registration { get; set; }
    }
}
