using System.Diagnostics;
using System.Runtime.InteropServices;

namespace DataGateway.Timing;

/// <summary>
/// Sleeping until a <see cref="Stopwatch"/> timestamp, to within the kernel's timer slack where the platform allows.
/// For the simulator's unit latencies and the bench's send times, whose accuracy every benchmark ratio rests on: .NET
/// timers (<c>Task.Delay</c>) fire a millisecond or more late on the bench machine, so a "20 ms" unit answered in
/// about 21.3 ms and a load generator sent late by as much. Compiled into each project that needs it (src/Shared).
/// </summary>
internal static class MonotonicSleep
{
    private const int ClockMonotonic = 1;
    private const int TimerAbsolute = 1;
    private const int Interrupted = 4;

    /// <summary>
    /// Whether <see cref="Until"/> sleeps to the microsecond: on Linux, where <see cref="Stopwatch"/> reads
    /// CLOCK_MONOTONIC in nanoseconds, so its timestamps are absolute deadlines for <c>clock_nanosleep</c>, which wakes
    /// within the timer slack (50 µs by default). Elsewhere it sleeps to about a millisecond and spins the rest.
    /// </summary>
    public static bool IsPrecise { get; } = OperatingSystem.IsLinux() && Stopwatch.Frequency == 1_000_000_000;

    /// <summary>Returns at <paramref name="timestamp"/>, or at once if it has passed; sees <paramref name="cancellationToken"/> at least every 100 ms.</summary>
    public static void Until(long timestamp, CancellationToken cancellationToken = default)
    {
        var slice = Stopwatch.Frequency / 10;
        while (true)
        {
            var now = Stopwatch.GetTimestamp();
            if (now >= timestamp)
            {
                return;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var until = Math.Min(timestamp, now + slice);
            if (IsPrecise)
            {
                var deadline = new TimeSpec { Seconds = until / 1_000_000_000, Nanoseconds = until % 1_000_000_000 };
                // Interrupted by a signal (EINTR): the loop goes round again. Any other error would make this loop spin,
                // so it sleeps a millisecond instead (late, never early).
                if (ClockNanosleep(ClockMonotonic, TimerAbsolute, in deadline, IntPtr.Zero) is not (0 or Interrupted))
                {
                    Thread.Sleep(1);
                }
            }
            else
            {
                var left = Stopwatch.GetElapsedTime(now, until);
                if (left > TimeSpan.FromMilliseconds(2))
                {
                    Thread.Sleep(left - TimeSpan.FromMilliseconds(1));
                }
                else
                {
                    Thread.SpinWait(50);
                }
            }
        }
    }

    // DllImport, not LibraryImport: the struct is blittable, so no marshalling code is needed, and LibraryImport would
    // make every project this file is compiled into allow unsafe code.
    [DllImport("libc", EntryPoint = "clock_nanosleep")]
    private static extern int ClockNanosleep(int clock, int flags, in TimeSpec request, IntPtr remaining);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
