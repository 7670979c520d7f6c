using System.ComponentModel.DataAnnotations;

namespace MultiCloud.Regions.Membership;

/// <summary>
/// How a silo's membership operations ride out a database failover, bound from <c>Regions:MembershipWait</c>
/// (see <see cref="PrimaryWaitingMembershipTable"/>).
/// </summary>
public sealed class MembershipWaitOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Regions:MembershipWait";

    /// <summary>
    /// How long one membership operation (a read of the table, a suspicion vote, a death declaration, a heartbeat)
    /// keeps retrying while no primary answers, before it fails to Orleans. Cover the database's failover (about 10 s
    /// with Patroni ttl 10 s): a vote that fails puts Orleans's suspicion queue into a back-off of 1 s doubling to
    /// 1 min, and eviction then waits for the back-off rather than for the promotion. Zero turns the waiting off.
    /// Default 20 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00", ErrorMessage = "Regions:MembershipWait:PrimaryWait must be between 0 and 5 minutes.")]
    public TimeSpan PrimaryWait { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Pause between two attempts while waiting. Default 250 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10", ErrorMessage = "Regions:MembershipWait:RetryDelay must be between 10 ms and 10 s.")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);
}
