using System.ComponentModel.DataAnnotations;

namespace MultiCloud.Persistence;

/// <summary>
/// How a silo's membership operations ride out a database failover, bound from <c>Database:Membership</c>
/// (see <see cref="PrimaryWaitingMembershipTable"/>).
/// </summary>
public sealed class MembershipTableOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Database:Membership";

    /// <summary>
    /// Milliseconds one membership operation (a read of the table, a suspicion vote, a death declaration, a heartbeat)
    /// keeps retrying while no primary answers, before it fails to Orleans. Cover the database's failover (about 10 s
    /// with Patroni ttl 10 s): a vote that fails puts Orleans's suspicion queue into a back-off of 1 s doubling to
    /// 1 min, and eviction then waits for the back-off rather than for the promotion. 0 turns the waiting off.
    /// Default 20,000 ms.
    /// </summary>
    [Range(0, 300_000)]
    public int PrimaryWaitMs { get; set; } = 20_000;

    /// <summary>Milliseconds between two attempts while waiting. Default 250 ms.</summary>
    [Range(10, 10_000)]
    public int RetryDelayMs { get; set; } = 250;
}
