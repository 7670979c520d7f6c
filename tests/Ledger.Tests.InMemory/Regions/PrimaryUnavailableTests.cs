using MultiCloud.Regions.Membership;
using MultiCloud.Tests.Infrastructure;
using Npgsql;
using Xunit;

namespace MultiCloud.Tests.Regions;

/// <summary>Which failures the membership table waits out during a failover (no primary now) and which it does not.</summary>
public sealed class PrimaryUnavailableTests
{
    [Fact(Timeout = TestTimeouts.Unit)]
    public Task Refusals_by_a_standby_a_shutdown_or_a_starting_server_count_as_no_primary_and_sql_errors_do_not()
    {
        Assert.True(PrimaryUnavailable.Is(new PostgresException("read-only", "ERROR", "ERROR", PostgresErrorCodes.ReadOnlySqlTransaction)));
        Assert.True(PrimaryUnavailable.Is(new PostgresException("shutdown", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown)));
        Assert.True(PrimaryUnavailable.Is(new PostgresException("starting", "FATAL", "FATAL", PostgresErrorCodes.CannotConnectNow)));
        Assert.True(PrimaryUnavailable.Is(new InvalidOperationException("wrapped", new TimeoutException())));
        Assert.False(PrimaryUnavailable.Is(new PostgresException("dup", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation)));
        Assert.False(PrimaryUnavailable.Is(new InvalidOperationException("a bug")));
        return Task.CompletedTask;
    }
}
