namespace DataGateway.IntegrationTests.Infrastructure;

public static class TestContext
{
    /// <summary>A generous bound so a broken test fails instead of hanging CI; never an assertion on speed.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static CancellationToken Deadline => new CancellationTokenSource(Timeout).Token;
}
