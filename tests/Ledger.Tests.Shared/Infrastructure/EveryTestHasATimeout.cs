using Xunit;

namespace MultiCloud.Tests.Infrastructure;

/// <summary>
/// A hang must fail its test, not stall CI: a test project derives one sealed class from this one, and the inherited
/// test checks that every test of that project's assembly has a timeout.
/// </summary>
public abstract class EveryTestHasATimeout
{
    [Fact(Timeout = TestTimeouts.Unit)]
    public Task Every_test_in_this_assembly_has_a_timeout()
    {
        var assembly = GetType().Assembly;

        Assert.True(TimeoutCoverage.CountIn(assembly) > 0, $"the scan found no tests in {assembly.GetName().Name}");
        Assert.Empty(TimeoutCoverage.MissingIn(assembly));
        return Task.CompletedTask;
    }
}
