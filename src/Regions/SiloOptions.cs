namespace MultiCloud.Regions;

/// <summary>
/// The Orleans silos of the environment: how many per region, which build, one cluster or one per region, and the
/// settings every silo gets (the timeouts on the failover path; see docs/failover.md for how they were chosen).
/// </summary>
public sealed record SiloOptions
{
    /// <summary>Silos per region (0: database only). Each runs the HTTP API inside it.</summary>
    public int PerRegion { get; init; }

    /// <summary>Path of MultiCloud.Silo.dll (a Release build of src/Silo).</summary>
    public string? Assembly { get; init; }

    /// <summary>The topology: one cluster spanning both regions, or one cluster per region.</summary>
    public ClusterTopology Topology { get; init; } = ClusterTopology.OneCluster;

    /// <summary>More configuration arguments for every silo (<c>--Section:Key=value</c>), after the defaults (so they win).</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>
    /// A silo's database connection string: both regions' servers, its own region's first, the primary chosen by the
    /// driver (<c>Target Session Attributes=primary</c>), every wait bounded well below the RTO goal. Own region first
    /// matters: after region A vanishes silently, a region-B silo that listed A first would spend the connect timeout
    /// on A every time the host's state expires (<c>Host Recheck Seconds</c>); listing B first it finds the promoted
    /// primary at once, and it moves back to A on fail-back because B then answers as a standby.
    /// </summary>
    /// <param name="own">The silo's region.</param>
    public static string ConnectionString(Region own) =>
        $"Host={own.Address},{Region.Databases.Single(r => r != own).Address};Port=5432;Username=postgres;Password={RegionsEnvironment.Password};Database=ledger;" +
        "Target Session Attributes=primary;Timeout=1;Command Timeout=3;Cancellation Timeout=-1;Keepalive=1;Tcp Keepalive=true;" +
        "Tcp Keepalive Time=1000;Tcp Keepalive Interval=500;Host Recheck Seconds=1;Maximum Pool Size=40";

    /// <summary>
    /// Settings every silo gets: membership tuned for a two-region cluster on a small machine, short response timeout,
    /// fast primary checks, dashboard off (it costs ~10 % of a silo's CPU; see docs/benchmarks.md).
    /// </summary>
    public static IReadOnlyList<string> DefaultArguments { get; } =
    [
        "--Cluster:Membership:ProbeTimeout=00:00:01",
        "--Cluster:Membership:NumMissedProbesLimit=3",
        "--Cluster:Membership:NumVotesForDeathDeclaration=2",
        "--Cluster:Membership:TableRefreshTimeout=00:00:02",
        "--Cluster:Membership:IAmAliveTablePublishTimeout=00:00:05",
        "--Cluster:Membership:EnableConnectionLivenessCheck=false",
        "--Cluster:Membership:DeathVoteExpirationTimeout=00:00:30",
        "--Cluster:Messaging:ResponseTimeout=00:00:05",
        // Below the bank client's 4 s attempt timeout (a front door's per-try timeout): a front end whose grain calls
        // hang on a vanished silo answers 503 and stays in rotation instead of being ejected as vanished.
        "--Api:AnswerTimeoutMs=3000",
        "--Database:PrimaryRegion:CheckIntervalMs=500",
        "--Dashboard:Enabled=false",
        "--Logging:LogLevel:Default=Warning",
        "--Logging:LogLevel:Orleans.Runtime.MembershipService=Information",
        "--Logging:LogLevel:MultiCloud=Information",
        "--Logging:Console:FormatterName=simple",
        "--Logging:Console:FormatterOptions:TimestampFormat=HH:mm:ss.fff ",
        "--Logging:Console:FormatterOptions:UseUtcTimestamp=true",
    ];
}
