using Microsoft.Extensions.Options;

namespace DataGateway.Features.Matters;

/// <summary>
/// Delivers the matters units have not taken yet, on every replica: claims due deliveries with a lease (rows locked and
/// skipped by other replicas while being claimed, so replicas never work on the same matter at once; a dead replica's
/// leases expire and the next replica to look takes its matters over), attempts them, and sleeps on the gateway's clock
/// until the next attempt or lease expiry is due, a matter is filed here, or the poll interval ends. Stops with the host.
/// </summary>
internal sealed partial class MatterDispatcher(
    IMatterStore store,
    MatterDelivery delivery,
    IOptions<MatterOptions> options,
    TimeProvider timeProvider,
    ILogger<MatterDispatcher> logger) : BackgroundService
{
    // Never disposed, on purpose: it creates no wait handle, and a filing request finishing after the host stopped may
    // still call Wake().
    private readonly SemaphoreSlim _wake = new(0, 1);
    private long _idleUntilMs = -1;

    /// <summary>This replica's name on the leases it takes.</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>When the dispatcher is asleep, the time it sleeps until; null while it works. Lets tests move a fake clock safely.</summary>
    public DateTimeOffset? IdleUntil
    {
        get
        {
            var ms = Interlocked.Read(ref _idleUntilMs);
            return ms < 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }
    }

    /// <summary>Look again now: a matter was filed, or an attempt was scheduled, on this replica.</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken; once is enough.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var poll = TimeSpan.FromMilliseconds(settings.PollIntervalMs);
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                var now = timeProvider.GetUtcNow();
                var nowMs = now.ToUnixTimeMilliseconds();
                var claimed = await store.ClaimDeliveriesAsync(Owner, nowMs, nowMs + settings.LeaseMs, settings.ClaimBatchSize, stoppingToken);
                if (claimed.Count > 0)
                {
                    await Parallel.ForEachAsync(
                        claimed,
                        new ParallelOptions { MaxDegreeOfParallelism = settings.MaxConcurrentDeliveries, CancellationToken = stoppingToken },
                        async (matter, token) => await delivery.AttemptAsync(matter, Owner, token));
                    if (claimed.Count == settings.ClaimBatchSize)
                    {
                        continue;
                    }
                }

                var next = await store.NextAttemptAtAsync(stoppingToken);
                now = timeProvider.GetUtcNow();
                wait = next is { } at
                    ? TimeSpan.FromMilliseconds(Math.Clamp(at - now.ToUnixTimeMilliseconds(), 0, (long)poll.TotalMilliseconds))
                    : poll;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.RoundFailed(logger, ex);
                wait = poll;
            }

            if (wait > TimeSpan.Zero)
            {
                await SleepAsync(wait, stoppingToken);
            }
        }
    }

    private async Task SleepAsync(TimeSpan wait, CancellationToken stoppingToken)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        // Registered before it is published as idle, so a test that sees IdleUntil and moves the clock always wakes it.
        var delay = Task.Delay(wait, timeProvider, done.Token);
        var woken = _wake.WaitAsync(done.Token);
        Interlocked.Exchange(ref _idleUntilMs, (timeProvider.GetUtcNow() + wait).ToUnixTimeMilliseconds());
        try
        {
            await Task.WhenAny(delay, woken);
        }
        finally
        {
            Interlocked.Exchange(ref _idleUntilMs, -1);
            await done.CancelAsync();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 83, Level = LogLevel.Error, Message = "Matter dispatch round failed; trying again after the poll interval")]
        public static partial void RoundFailed(ILogger logger, Exception exception);
    }
}
