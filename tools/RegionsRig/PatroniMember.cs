using System.Text.Json.Serialization;

namespace MultiCloud.RegionsRig;

/// <summary>One member of the Patroni cluster as Patroni's REST API (<c>GET /cluster</c>) reports it.</summary>
/// <param name="Name">Member name (<c>pg-a</c>, <c>pg-b</c>).</param>
/// <param name="Role"><c>leader</c>, <c>sync_standby</c>, <c>replica</c> (Patroni 3.0 names).</param>
/// <param name="State"><c>running</c>, <c>streaming</c>, <c>stopped</c>, <c>starting</c>...</param>
/// <param name="Host">The member's PostgreSQL host.</param>
/// <param name="Timeline">PostgreSQL timeline.</param>
/// <param name="Lag">Replication lag in bytes, for replicas (null when unknown).</param>
public sealed record PatroniMember(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("host")] string Host,
    [property: JsonPropertyName("timeline")] long? Timeline,
    [property: JsonPropertyName("lag")] object? Lag)
{
    /// <summary>True for the leader (primary).</summary>
    public bool IsLeader => Role is "leader" or "master" or "primary";

    /// <summary>True for the synchronous standby.</summary>
    public bool IsSyncStandby => Role == "sync_standby";

    /// <summary>Replication lag in bytes when Patroni reported a number.</summary>
    public long? LagBytes => Lag switch
    {
        System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Number } e => e.GetInt64(),
        _ => null,
    };
}
