namespace MultiCloud.Tests.Infrastructure;

/// <summary>
/// Every test's timeout, in milliseconds (<c>[Fact(Timeout = ...)]</c>): a hang fails the test instead of stalling the
/// run. Each bound is several times the slowest run of that kind seen on CI's 2-core machine.
/// </summary>
public static class TestTimeouts
{
    /// <summary>No host, no cluster: pure logic and configuration.</summary>
    public const int Unit = 30_000;

    /// <summary>An in-process silo host or test cluster (in memory or on the throwaway PostgreSQL server).</summary>
    public const int Host = 120_000;

    /// <summary>Silo processes, the load tool or a browser on loopback.</summary>
    public const int Processes = 300_000;

    /// <summary>One two-region environment built, faulted, checked and removed (network namespaces, Patroni, silos).</summary>
    public const int Drill = 900_000;
}
