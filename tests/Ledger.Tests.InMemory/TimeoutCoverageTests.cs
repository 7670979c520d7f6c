using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests;

/// <summary>Every test of this assembly has a timeout (the inherited test), and the check itself finds a missing one.</summary>
public sealed class TimeoutCoverageTests : EveryTestHasATimeout
{
    [Fact(Timeout = TestTimeouts.Unit)]
    public Task The_check_names_a_fact_a_theory_and_a_property_without_a_timeout()
    {
        var missing = TimeoutCoverage.MissingIn([typeof(WithoutTimeouts)]);

        Assert.Equal(
            [$"{typeof(WithoutTimeouts).FullName}.{nameof(WithoutTimeouts.Fact)}", $"{typeof(WithoutTimeouts).FullName}.{nameof(WithoutTimeouts.Property)}", $"{typeof(WithoutTimeouts).FullName}.{nameof(WithoutTimeouts.Theory)}"],
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
    }
}
