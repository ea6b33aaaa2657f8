namespace DataGateway.IntegrationTests.Infrastructure;

/// <summary>Waits for something another part of the system does (calls reaching the simulator), never for the clock under test.</summary>
public static class Eventually
{
    public static Task HoldsAsync(Func<bool> condition, TimeSpan? within = null) =>
        RedisServer.WaitUntilAsync(condition, "the condition never held", within);
}
