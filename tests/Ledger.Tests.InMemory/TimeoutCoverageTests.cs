using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests;

/// <summary>Every test of this assembly has a timeout (the inherited test), and the check itself finds a missing one.</summary>
public sealed class TimeoutCoverageTests : EveryTestHasATimeout
{
    [Fact(Timeout = TestTimeouts.Unit)]
    public Task The_check_names_a_fact_a_theory_and_a_property_without_a_timeout_and_a_property_whose_timeout_is_not_enforced()
    {
        var missing = TimeoutCoverage.MissingIn([typeof(WithoutTimeouts)]);

        var name = typeof(WithoutTimeouts).FullName;
        Assert.Equal(
            [$"{name}.{nameof(WithoutTimeouts.Fact)}", $"{name}.{nameof(WithoutTimeouts.Property)}", $"{name}.{nameof(WithoutTimeouts.PropertyWithTimeout)}", $"{name}.{nameof(WithoutTimeouts.Theory)}"],
            missing);
        Assert.Empty(TimeoutCoverage.MissingIn([typeof(TimeoutCoverageTests)]));
        return Task.CompletedTask;
    }

    /// <summary>Tests with no timeout; abstract, so xUnit never runs them: only the check above reads them.</summary>
    public abstract class WithoutTimeouts
    {
        [Fact]
        public static Task Fact() => Task.CompletedTask;

        [Theory]
        [InlineData(1)]
        public static Task Theory(int value) => Task.FromResult(value);

        [FsCheck.Xunit.Property]
        public static bool Property(int value) => Math.Abs((long)value) >= 0;

        [FsCheck.Xunit.Property(Timeout = TestTimeouts.Unit)]
        public static bool PropertyWithTimeout(int value) => Math.Abs((long)value) >= 0;
    }
}
