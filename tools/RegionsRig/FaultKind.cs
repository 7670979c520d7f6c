namespace MultiCloud.RegionsRig;

/// <summary>The database-level faults the environment can inject, each with its heal.</summary>
public enum FaultKind
{
    /// <summary>
    /// No fault: the workload runs for the drill's hold with nothing injected (bank drills only). Counts what a fault-free
    /// run costs at the chosen timers: promotions (false failovers), silos declared dead, failed requests; each must be 0.
    /// </summary>
    None,

    /// <summary>Kill every process of region A (PostgreSQL, Patroni, its etcd member, relay, clients) with SIGKILL; its interfaces stay up, so peers see resets. Heal: restart region A, which rejoins as a standby.</summary>
    KillRegionA,

    /// <summary>Stop the primary's PostgreSQL alone (immediate shutdown); Patroni stays. Heal: nothing (Patroni restarts it or fails over).</summary>
    StopPrimaryPostgres,

    /// <summary>Kill the primary's Patroni alone (SIGKILL); PostgreSQL keeps running without it. Heal: restart Patroni there.</summary>
    KillPrimaryPatroni,

    /// <summary>SIGSTOP the primary's postmaster. Heal: SIGCONT.</summary>
    FreezePrimaryPostmaster,

    /// <summary>Drop all traffic between region A and both region B and the witness (packets vanish). Heal: remove the rules.</summary>
    PartitionRegionA,

    /// <summary>Kill the witness's etcd member. Heal: restart it.</summary>
    StopEtcdMember,

    /// <summary>Drop all traffic between region B (the synchronous standby) and the others. Heal: remove the rules.</summary>
    PartitionRegionB,

    /// <summary>
    /// Lose region A silently: first drop every packet to and from it (peers get no reset, packets vanish, as when a
    /// region is cut off), then kill every process in it. Heal: remove the rules and restart region A.
    /// </summary>
    LoseRegionA,

    /// <summary>Kill one silo (SIGKILL; default <c>silo-a0</c>, in the primary's region). Heal: restart it.</summary>
    KillSilo,

    /// <summary>SIGSTOP one silo (default <c>silo-a0</c>): it holds its connections but answers nothing. Heal: SIGCONT.</summary>
    FreezeSilo,

    /// <summary>
    /// Cut only the Orleans ports between the regions: every silo-to-silo and gateway port of region A's silos is
    /// dropped for region B and the other way round, while both regions still reach the database, etcd and each
    /// other's HTTP API (packets vanish, as with a firewall change on the inter-region link). Bank drills only: the SQL
    /// drill runs no silos. Heal: remove the rules.
    /// </summary>
    PartitionSilos,
}
