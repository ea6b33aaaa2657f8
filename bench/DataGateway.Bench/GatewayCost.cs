using System.Globalization;

namespace DataGateway.Bench;

/// <summary>
/// What the gateway process has spent so far, read from its own Prometheus endpoint (the runtime's
/// <c>dotnet.process.cpu.time</c>, <c>dotnet.gc.heap.total_allocated</c> and <c>dotnet.jit.compilation.time</c>): two
/// readings around a measured run give its CPU and allocation per query, and around a warm-up step whether the JIT is
/// still busy. Unlike a latency, a cost per query barely moves with a noisy neighbour, so it is
/// the figure that says whether a change made the gateway cheaper. It covers the whole process (background work such
/// as the SLA flush too), so it slightly overstates a query's own cost.
/// </summary>
internal sealed record GatewayCost(double CpuSeconds, double AllocatedBytes, double JitSeconds)
{
    private const string CpuSeries = "dotnet_process_cpu_time_seconds_total";
    private const string AllocatedSeries = "dotnet_gc_heap_total_allocated_bytes_total";
    private const string JitSeries = "dotnet_jit_compilation_time_seconds_total";

    /// <summary>The gateway's totals now; null when its metrics endpoint does not answer or lacks the series.</summary>
    public static async Task<GatewayCost?> ReadAsync(BenchStack stack, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await stack.Http.GetStringAsync(new Uri(stack.Targets.GatewayRest, "/metrics"), cancellationToken);
        }
        catch (HttpRequestException)
        {
            return null;
        }

        return Parse(text);
    }

    /// <summary>Sums every series of the three counters (CPU comes as user and system).</summary>
    public static GatewayCost? Parse(string exposition)
    {
        double cpu = 0, allocated = 0, jit = 0;
        bool sawCpu = false, sawAllocated = false, sawJit = false;
        foreach (var line in exposition.AsSpan().EnumerateLines())
        {
            if (line.StartsWith(CpuSeries, StringComparison.Ordinal))
            {
                cpu += ValueOf(line);
                sawCpu = true;
            }
            else if (line.StartsWith(AllocatedSeries, StringComparison.Ordinal))
            {
                allocated += ValueOf(line);
                sawAllocated = true;
            }
            else if (line.StartsWith(JitSeries, StringComparison.Ordinal))
            {
                jit += ValueOf(line);
                sawJit = true;
            }
        }

        return sawCpu && sawAllocated && sawJit ? new GatewayCost(cpu, allocated, jit) : null;
    }

    /// <summary>CPU (µs, all cores) and allocation (KB) per query between two readings; null without both.</summary>
    public static PerQuery? Between(GatewayCost? before, GatewayCost? after, long queries) =>
        before is null || after is null || queries <= 0
            ? null
            : new PerQuery((after.CpuSeconds - before.CpuSeconds) * 1e6 / queries, (after.AllocatedBytes - before.AllocatedBytes) / 1024 / queries);

    // "name{labels} value" or "name{labels} value timestamp": the value is the second field.
    private static double ValueOf(ReadOnlySpan<char> line)
    {
        var brace = line.LastIndexOf('}');
        var afterLabels = line[(brace >= 0 ? brace + 1 : line.IndexOf(' ') + 1)..].Trim();
        var end = afterLabels.IndexOf(' ');
        return double.Parse(end < 0 ? afterLabels : afterLabels[..end], NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>The gateway's CPU (µs, summed over cores) and allocation (KB) per query.</summary>
    internal sealed record PerQuery(double CpuMicroseconds, double AllocatedKilobytes)
    {
        public override string ToString() =>
            $"{CpuMicroseconds.ToString("#,0", CultureInfo.InvariantCulture)} µs CPU, {AllocatedKilobytes.ToString("#,0", CultureInfo.InvariantCulture)} KB allocated";
    }
}
