using System.Text.Json.Serialization;

namespace MultiCloud.RegionsRig;

/// <summary>The body of Patroni's <c>GET /cluster</c>.</summary>
/// <param name="Members">Every member Patroni knows of.</param>
public sealed record PatroniCluster([property: JsonPropertyName("members")] IReadOnlyList<PatroniMember> Members)
{
    /// <summary>The leader, or null when there is none.</summary>
    public PatroniMember? Leader => Members.SingleOrDefault(m => m.IsLeader);

    /// <summary>
    /// True when the cluster is whole and safe: one leader running, one synchronous standby streaming with zero lag
    /// on the same timeline, and no other member.
    /// </summary>
    public bool IsHealthy => Members.Count == 2
        && Leader is { State: "running" } leader
        && Members.SingleOrDefault(m => m.IsSyncStandby) is { State: "streaming" or "running" } standby
        && standby.LagBytes == 0
        && standby.Timeline == leader.Timeline;

    /// <summary>Synchronous standbys right now (0 means the primary acknowledges commits held by one copy only).</summary>
    public int SynchronousStandbys => Members.Count(m => m.IsSyncStandby);
}
