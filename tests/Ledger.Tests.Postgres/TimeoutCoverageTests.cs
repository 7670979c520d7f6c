using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests;

/// <summary>A hang must fail its test, not stall CI: every test of this assembly has a timeout.</summary>
public sealed class TimeoutCoverageTests
{
    [Fact(Timeout = TestTimeouts.Unit)]
    public Task Every_test_in_this_assembly_has_a_timeout()
    {
        var assembly = typeof(TimeoutCoverageTests).Assembly;

        Assert.True(TimeoutCoverage.CountIn(assembly) > 1, "the scan found no tests besides this one");
        Assert.Empty(TimeoutCoverage.MissingIn(assembly));
        return Task.CompletedTask;
    }
}
