namespace MultiCloud.RegionsRig;

/// <summary>How the two-region environment is built. Durations are wall-clock; latency is one way.</summary>
public sealed record RigOptions
{
    /// <summary>
    /// Prefix of every namespace, interface and directory of this environment (at most 6 characters: interface names
    /// are limited to 15). A crashed run's leftovers are found by it.
    /// </summary>
    public string Prefix { get; init; } = "mcr";

    /// <summary>Where data directories, configuration and logs go. Default {<see cref="BaseDirectory"/>}/multicloud-regions-{prefix}.</summary>
    public string? WorkDirectory { get; init; }

    /// <summary>Added to every cross-region TCP byte stream, each way, by the delay relay. Default 10 ms (20 ms round trip).</summary>
    public TimeSpan OneWayLatency { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Patroni <c>ttl</c> in seconds: how long the leader key lives without renewal. Default 10.</summary>
    public int PatroniTtl { get; init; } = 10;

    /// <summary>Patroni <c>loop_wait</c> in seconds. Default 2.</summary>
    public int PatroniLoopWait { get; init; } = 2;

    /// <summary>Patroni <c>retry_timeout</c> in seconds. Default 4.</summary>
    public int PatroniRetryTimeout { get; init; } = 4;

    /// <summary>
    /// How often each region's HAProxy asks each Patroni whether it leads (<c>GET /primary</c>); a server is marked
    /// down after two failed checks. Default 1 s, so that following a new primary adds at most ~2 s to the RTO.
    /// </summary>
    public TimeSpan HAProxyCheckInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often the front door's proxies check their servers: the regional proxies each silo's <c>/health/ready</c>,
    /// the global entry each region's <c>/health/primary-region</c> and <c>/health/writable</c> (down after 2 misses, up
    /// after 1 answer). Default 500 ms:
    /// the silos confirm the primary's region every 500 ms, so the entry follows a failover within about 1-1.5 s of
    /// the silos seeing it.
    /// </summary>
    public TimeSpan FrontDoorCheckInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Patroni <c>synchronous_mode_strict</c>: false (see docs/database-ha.md for the choice).</summary>
    public bool SynchronousModeStrict { get; init; }

    /// <summary>PostgreSQL server binaries. Default: the newest under /usr/lib/postgresql.</summary>
    public string? PostgresBinDirectory { get; init; }

    /// <summary>The Patroni cluster name (scope).</summary>
    public string Scope => $"{Prefix}-ledger";

    /// <summary>The resolved work directory.</summary>
    public string Directory => WorkDirectory ?? Path.Combine(BaseDirectory, DirectoryNamePrefix + Prefix);

    /// <summary>
    /// Where default work directories go: /dev/shm (memory) when it has 2 GiB free, else the temp directory. An
    /// environment takes about 0.5 GB (each etcd member preallocates 128 MB of WAL), and a machine's disk may have less
    /// free than that; memory it has (the environment runs one at a time). A container's small /dev/shm is passed over.
    /// </summary>
    public static string BaseDirectory { get; } = HasRoom("/dev/shm", 2L << 30) ? "/dev/shm" : Path.GetTempPath();

    private static bool HasRoom(string directory, long bytes)
    {
        try
        {
            return System.IO.Directory.Exists(directory) && new DriveInfo(directory).AvailableFreeSpace >= bytes;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The name of every environment's default directory (in <see cref="BaseDirectory"/>) starts with this, followed by the prefix.</summary>
    public const string DirectoryNamePrefix = "multicloud-regions-";

    /// <summary>Name of a namespace of this environment.</summary>
    public string Namespace(Region region) => $"{Prefix}-{region.Name}";

    /// <summary>Name of the bridge in the root namespace.</summary>
    public string Bridge => $"{Prefix}br";

    /// <summary>Name of the root-side end of a region's veth pair.</summary>
    public string Veth(Region region) => $"{Prefix}v{region.Key}";
}
