using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace MultiCloud.RegionsRig;

/// <summary>
/// Builds, inspects, faults and removes the two-region environment: namespaces <c>{prefix}-region-a</c>,
/// <c>{prefix}-region-b</c> and <c>{prefix}-witness</c> on a bridge in the root namespace (198.18.0.0/24; the root
/// namespace holds 198.18.0.1 and a blackhole route for 198.18.0.0/15, so nothing of the range can leave the machine),
/// a delay relay in each namespace, one etcd member per namespace (v2 API enabled: Patroni's <c>etcd</c> DCS updates
/// the leader key conditionally), and Patroni running PostgreSQL in both regions with synchronous replication.
/// </summary>
public sealed partial class RegionsEnvironment
{
    /// <summary>The PostgreSQL superuser password inside the environment (throwaway).</summary>
    public const string Password = "pg";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(3) };

    // Patroni answers a switchover request when the candidate leads, which took more than 3 s under load (a run ended
    // on the cancelled request while the switchover itself succeeded).
    private static readonly HttpClient SwitchoverHttp = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly Action<string> _log;

    private RegionsEnvironment(RigOptions options, RegionsState state, Action<string> log)
    {
        Options = options;
        State = state;
        _log = log;
    }

    /// <summary>How the environment was built.</summary>
    public RigOptions Options { get; }

    /// <summary>What is running (pids), persisted next to the data so that <c>down</c> works after a crash.</summary>
    public RegionsState State { get; }

    /// <summary>The PostgreSQL binaries.</summary>
    public string PostgresBin => Options.PostgresBinDirectory ?? Directory.GetDirectories("/usr/lib/postgresql")
        .Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "pg_ctl")))
        .OrderByDescending(d => d, StringComparer.Ordinal).First();

    /// <summary>A libpq/Npgsql multi-host connection string reaching whichever region holds the primary.</summary>
    public static string ConnectionString(string database = "postgres", int timeoutSeconds = 2, int commandTimeoutSeconds = 3) =>
        $"Host={Region.A.Address},{Region.B.Address};Port=5432;Username=postgres;Password={Password};Database={database};" +
        $"Target Session Attributes=primary;Timeout={timeoutSeconds};Command Timeout={commandTimeoutSeconds};Keepalive=1;" +
        "Tcp Keepalive=true;Tcp Keepalive Time=1000;Tcp Keepalive Interval=1000;Host Recheck Seconds=1;Pooling=false";

    /// <summary>A connection string to one region's PostgreSQL directly.</summary>
    public static string DirectConnectionString(Region region, string database = "postgres") =>
        $"Host={region.Address};Port=5432;Username=postgres;Password={Password};Database={database};Timeout=3;Command Timeout=10;Pooling=false";

    /// <summary>Builds the environment and waits until region A is the leader and region B its synchronous standby.</summary>
    /// <exception cref="InvalidOperationException">Not root, a tool is missing, a command that builds the namespaces, bridge or rules failed (<see cref="HostCapabilities"/> says which beforehand), or the cluster did not become healthy.</exception>
    public static async Task<RegionsEnvironment> UpAsync(RigOptions options, Action<string> log, CancellationToken cancellationToken)
    {
        RequireRoot();
        foreach (var tool in new[] { "/usr/sbin/ip", "/usr/sbin/iptables", "/usr/bin/etcd", "/usr/bin/patroni", "/usr/sbin/haproxy" })
        {
            if (!File.Exists(tool) && !File.Exists(tool.Replace("/usr/sbin/", "/sbin/", StringComparison.Ordinal)))
            {
                throw new InvalidOperationException($"{tool} is missing: apt-get install -y iproute2 iptables etcd-server etcd-client patroni python3-etcd python3-psycopg2 postgresql-15 haproxy");
            }
        }

        if (RegionsState.TryLoad(options.Directory) is not null || (await ListNamespacesAsync()).Any(n => n.StartsWith(options.Prefix + "-", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"An environment with prefix '{options.Prefix}' exists; run 'regions down --prefix {options.Prefix}' first.");
        }

        // Files left by an earlier (failed) run are stale data directories: start from scratch.
        if (System.IO.Directory.Exists(options.Directory))
        {
            System.IO.Directory.Delete(options.Directory, recursive: true);
        }

        System.IO.Directory.CreateDirectory(options.Directory);
        var env = new RegionsEnvironment(options, new RegionsState { Prefix = options.Prefix, Directory = options.Directory }, log);
        env.State.Save();
        try
        {
            await env.CreateNetworkAsync();
            foreach (var region in Region.All)
            {
                env.StartRelay(region);
                env.StartEtcd(region, initial: true);
            }

            await env.WaitForEtcdAsync(cancellationToken);
            await env.WritePatroniConfigsAsync();
            env.StartPatroni(Region.A);
            await env.WaitUntilAsync("region A to lead", TimeSpan.FromSeconds(90), async () => (await env.ClusterAsync())?.Leader?.Name == Region.A.Member, cancellationToken);
            env.StartPatroni(Region.B);
            await env.WaitUntilHealthyAsync(TimeSpan.FromSeconds(120), cancellationToken);
            foreach (var region in Region.Databases)
            {
                env.StartHAProxy(region);
                await env.WaitForHAProxyAsync(region, TimeSpan.FromSeconds(30), cancellationToken);
            }

            log($"up: {Region.A.Member} leads, {Region.B.Member} is its synchronous standby");
            return env;
        }
        catch
        {
            await env.DownAsync(keepFiles: true);
            throw;
        }
    }

    /// <summary>Opens an existing environment from its state file.</summary>
    /// <exception cref="InvalidOperationException">No environment with that prefix.</exception>
    public static RegionsEnvironment Open(RigOptions options, Action<string> log)
        => new(options, RegionsState.TryLoad(options.Directory) ?? throw new InvalidOperationException($"No environment with prefix '{options.Prefix}' ({options.Directory})."), log);

    /// <summary>Removes everything of this environment: processes, namespaces (with their interfaces and iptables rules), the bridge, the blackhole route it added, and (unless kept) its files.</summary>
    public async Task DownAsync(bool keepFiles = false)
    {
        await RemoveAsync(Options.Prefix, State);
        if (!keepFiles && System.IO.Directory.Exists(Options.Directory))
        {
            System.IO.Directory.Delete(Options.Directory, recursive: true);
        }
        else
        {
            RegionsState.Delete(Options.Directory);
        }
    }

    /// <summary>
    /// Removes every environment of this tool found on the machine (state files and namespaces named
    /// <c>*-region-a</c>, <c>*-region-b</c>, <c>*-witness</c>), also after a crashed run.
    /// </summary>
    public static async Task<int> DownAllAsync(Action<string> log)
    {
        RequireRoot();
        var prefixes = (await ListNamespacesAsync())
            .Select(n => Region.All.Select(r => "-" + r.Name).FirstOrDefault(n.EndsWith) is { } suffix ? n[..^suffix.Length] : null)
            .Where(p => p is not null)
            .Select(p => p!)
            .ToHashSet(StringComparer.Ordinal);
        foreach (var directory in System.IO.Directory.GetDirectories(RigOptions.BaseDirectory, RigOptions.DirectoryNamePrefix + "*"))
        {
            // Without a state file this is what a failed "up" kept for diagnosis: its name gives the prefix.
            prefixes.Add(RegionsState.TryLoad(directory)?.Prefix ?? Path.GetFileName(directory)[RigOptions.DirectoryNamePrefix.Length..]);
        }

        foreach (var prefix in prefixes)
        {
            await DownAsync(prefix, log);
        }

        return prefixes.Count;
    }

    /// <summary>
    /// Removes the environment with this prefix, whatever is left of it (its state file, namespaces, interfaces,
    /// processes and files), also after a crashed run; nothing happens when there is none.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not root.</exception>
    public static async Task DownAsync(string prefix, Action<string> log)
    {
        RequireRoot();
        var options = new RigOptions { Prefix = prefix };
        var state = RegionsState.TryLoad(options.Directory);
        var found = state is not null || System.IO.Directory.Exists(options.Directory)
            || (await ListNamespacesAsync()).Any(n => n.StartsWith(prefix + "-", StringComparison.Ordinal))
            || (await Shell.RunAsync("ip", ["-br", "link", "show", options.Bridge], check: false)).Length > 0;
        if (!found)
        {
            return;
        }

        await RemoveAsync(prefix, state);
        if (System.IO.Directory.Exists(options.Directory))
        {
            System.IO.Directory.Delete(options.Directory, recursive: true);
        }

        log($"down: removed environment '{prefix}'");
    }

    /// <summary>The cluster as the first Patroni member that answers reports it; null when none answers.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Part of the environment's surface: it reads this environment's members.")]
    public async Task<PatroniCluster?> ClusterAsync()
    {
        foreach (var region in Region.Databases)
        {
            try
            {
                return await Http.GetFromJsonAsync<PatroniCluster>($"http://{region.Address}:8008/cluster");
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or JsonException)
            {
                // Try the other region.
            }
        }

        return null;
    }

    /// <summary>The region whose database leads now, or null.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Part of the environment's surface.")]
    public async Task<Region?> LeaderRegionAsync() => (await ClusterAsync())?.Leader?.Name is { } name
        ? Region.Databases.Single(r => r.Member == name)
        : null;

    /// <summary>
    /// Waits until the cluster is healthy in <paramref name="consecutive"/> readings in a row, one per second. Healthy
    /// means every member says so about itself (right after a partition heals, Patroni's v2 DCS can still serve a
    /// stale view, so the DCS's word alone is not enough): one member is the leader and running, its replication
    /// list shows the other member streaming as the synchronous standby, and the other member is a running replica on
    /// the same timeline.
    /// </summary>
    /// <exception cref="TimeoutException">It did not become healthy in time.</exception>
    public async Task WaitUntilHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken, int consecutive = 3)
    {
        var clock = Stopwatch.StartNew();
        var good = 0;
        while (clock.Elapsed < timeout)
        {
            good = await IsHealthyNowAsync() ? good + 1 : 0;
            if (good >= consecutive)
            {
                return;
            }

            await Task.Delay(1000, cancellationToken);
        }

        throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for a healthy cluster. Cluster: {JsonSerializer.Serialize(await ClusterAsync())}");
    }

    /// <summary>One reading of <see cref="WaitUntilHealthyAsync"/>.</summary>
    public async Task<bool> IsHealthyNowAsync()
    {
        var statuses = new Dictionary<Region, JsonElement>();
        foreach (var region in Region.Databases)
        {
            if (await MemberStatusAsync(region) is not { } status)
            {
                return false;
            }

            statuses[region] = status;
        }

        var leaders = statuses.Where(s => s.Value.TryGetProperty("role", out var role) && role.GetString() is "master" or "primary").ToList();
        if (leaders.Count != 1 || leaders[0].Value.GetProperty("state").GetString() != "running")
        {
            return false;
        }

        var (leader, leaderStatus) = leaders[0];
        var standby = Region.Databases.Single(r => r != leader);
        var standbyStatus = statuses[standby];
        var replicating = leaderStatus.TryGetProperty("replication", out var replication) && replication.EnumerateArray().Any(r =>
            r.GetProperty("application_name").GetString() == standby.Member
            && r.GetProperty("state").GetString() == "streaming"
            && r.GetProperty("sync_state").GetString() == "sync");
        return replicating
            && standbyStatus.GetProperty("role").GetString() == "replica"
            && standbyStatus.GetProperty("state").GetString() is "running" or "streaming"
            && standbyStatus.GetProperty("timeline").GetInt64() == leaderStatus.GetProperty("timeline").GetInt64()
            && (await ClusterAsync())?.Leader?.Name == leader.Member;
    }

    /// <summary>A member's view of itself (Patroni's <c>GET /patroni</c>), or null when it does not answer.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Part of the environment's surface.")]
    public async Task<JsonElement?> MemberStatusAsync(Region region)
    {
        try
        {
            return await Http.GetFromJsonAsync<JsonElement>($"http://{region.Address}:8008/patroni");
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary>The region whose Patroni reports itself as the running leader, asking the members (not the DCS).</summary>
    public async Task<Region?> SelfReportedLeaderAsync()
    {
        foreach (var region in Region.Databases)
        {
            if (await MemberStatusAsync(region) is { } status && status.GetProperty("role").GetString() is "master" or "primary"
                && status.GetProperty("state").GetString() == "running")
            {
                return region;
            }
        }

        return null;
    }

    /// <summary>Every region whose Patroni reports itself as a running primary (two during a split brain).</summary>
    public async Task<IReadOnlyList<Region>> SelfReportedPrimariesAsync()
    {
        var primaries = new List<Region>();
        foreach (var region in Region.Databases)
        {
            if (await MemberStatusAsync(region) is { } status && status.GetProperty("role").GetString() is "master" or "primary"
                && status.GetProperty("state").GetString() == "running")
            {
                primaries.Add(region);
            }
        }

        return primaries;
    }

    /// <summary>Polls <paramref name="condition"/> every 500 ms until it holds.</summary>
    /// <exception cref="TimeoutException">It did not hold in time.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Part of the environment's surface.")]
    public async Task WaitUntilAsync(string what, TimeSpan timeout, Func<Task<bool>> condition, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(500, cancellationToken);
        }

        throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}. Cluster: {JsonSerializer.Serialize(await ClusterAsync())}");
    }

    private static void RequireRoot()
    {
        if (!Shell.IsRoot)
        {
            throw new InvalidOperationException("The regions tool needs root: it creates network namespaces, a bridge, veth pairs and iptables rules.");
        }
    }

    private static async Task<IReadOnlyList<string>> ListNamespacesAsync()
        => [.. (await Shell.RunAsync("ip", ["netns", "list"])).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0])];

    private static async Task RemoveAsync(string prefix, RegionsState? state)
    {
        var options = new RigOptions { Prefix = prefix };
        foreach (var region in Region.All)
        {
            var ns = options.Namespace(region);
            var pids = await Shell.RunAsync("ip", ["netns", "pids", ns], check: false);
            foreach (var pid in pids.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                Shell.Signal(int.Parse(pid, CultureInfo.InvariantCulture), "KILL");
            }
        }

        // Processes that left their namespace's process list (or ignore SIGTERM, like etcd) are killed by pid.
        foreach (var pid in state?.AllPids() ?? [])
        {
            Shell.Signal(pid, "KILL");
        }

        // A namespace lives while a process is in it: wait for the killed ones to be gone before deleting.
        for (var i = 0; i < 50; i++)
        {
            var left = 0;
            foreach (var region in Region.All)
            {
                left += (await Shell.RunAsync("ip", ["netns", "pids", options.Namespace(region)], check: false)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            }

            if (left == 0)
            {
                break;
            }

            await Task.Delay(200);
        }

        foreach (var region in Region.All)
        {
            await Shell.RunAsync("ip", ["netns", "del", options.Namespace(region)], check: false);
            await Shell.RunAsync("ip", ["link", "del", options.Veth(region)], check: false);
        }

        await Shell.RunAsync("ip", ["link", "del", options.Bridge], check: false);
        if (state?.AddedBlackhole == true)
        {
            await Shell.RunAsync("ip", ["route", "del", "blackhole", "198.18.0.0/15"], check: false);
        }
    }

    private async Task CreateNetworkAsync()
    {
        var routes = await Shell.RunAsync("ip", ["route", "show", "198.18.0.0/15"]);
        if (!routes.Contains("blackhole", StringComparison.Ordinal))
        {
            await Shell.RunAsync("ip", ["route", "add", "blackhole", "198.18.0.0/15"]);
            State.AddedBlackhole = true;
            State.Save();
        }

        await Shell.RunAsync("ip", ["link", "add", Options.Bridge, "type", "bridge"]);
        await Shell.RunAsync("ip", ["addr", "add", "198.18.0.1/24", "dev", Options.Bridge]);
        await Shell.RunAsync("ip", ["link", "set", Options.Bridge, "up"]);
        foreach (var region in Region.All)
        {
            var ns = Options.Namespace(region);
            var inner = $"{Options.Prefix}n{region.Key}";
            await Shell.RunAsync("ip", ["netns", "add", ns]);
            await Shell.RunAsync("ip", ["link", "add", Options.Veth(region), "type", "veth", "peer", "name", inner]);
            await Shell.RunAsync("ip", ["link", "set", inner, "netns", ns]);
            await Shell.RunAsync("ip", ["link", "set", Options.Veth(region), "master", Options.Bridge, "up"]);
            await Shell.InNamespaceAsync(ns, "ip", ["link", "set", "lo", "up"]);
            await Shell.InNamespaceAsync(ns, "ip", ["link", "set", inner, "name", "eth0"]);
            await Shell.InNamespaceAsync(ns, "ip", ["addr", "add", $"{region.Address}/24", "dev", "eth0"]);
            await Shell.InNamespaceAsync(ns, "ip", ["link", "set", "eth0", "up"]);
            if (Options.OneWayLatency > TimeSpan.Zero)
            {
                // Cross-region TCP goes through the local delay relay; traffic to itself, to the root namespace and
                // the relay's own connections (marked) pass untouched.
                await Shell.InNamespaceAsync(ns, "iptables", ["-t", "nat", "-A", "OUTPUT", "-d", region.Address.ToString(), "-j", "RETURN"]);
                await Shell.InNamespaceAsync(ns, "iptables", ["-t", "nat", "-A", "OUTPUT", "-d", "198.18.0.1", "-j", "RETURN"]);
                await Shell.InNamespaceAsync(ns, "iptables", ["-t", "nat", "-A", "OUTPUT", "-p", "tcp", "-d", "198.18.0.0/24",
                    "-m", "mark", "!", "--mark", $"0x{DelayRelay.Mark:x}", "-j", "REDIRECT", "--to-ports", DelayRelay.DefaultPort.ToString(CultureInfo.InvariantCulture)]);
            }

            // A chain for partitions, empty until a fault fills it.
            await Shell.InNamespaceAsync(ns, "iptables", ["-N", PartitionChain]);
            await Shell.InNamespaceAsync(ns, "iptables", ["-I", "INPUT", "-j", PartitionChain]);
            await Shell.InNamespaceAsync(ns, "iptables", ["-I", "OUTPUT", "-j", PartitionChain]);
        }

        _log("up: namespaces, bridge and routes in place");
    }

    private const string PartitionChain = "MCPARTITION";

    private void StartRelay(Region region)
    {
        if (Options.OneWayLatency <= TimeSpan.Zero)
        {
            return;
        }

        var (file, args) = SelfCommand();
        State.Pids[$"relay-{region.Key}"] = Shell.StartDetached(Options.Namespace(region), null, LogPath($"relay-{region.Key}"), file,
            [.. args, "relay", "--port", DelayRelay.DefaultPort.ToString(CultureInfo.InvariantCulture),
                "--delay-ms", Options.OneWayLatency.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)]);
        State.Save();
    }

    private void StartEtcd(Region region, bool initial)
    {
        var ip = region.Address.ToString();
        var cluster = string.Join(',', Region.All.Select(r => $"{r.Key}=http://{r.Address}:2380"));
        State.Pids[$"etcd-{region.Key}"] = Shell.StartDetached(Options.Namespace(region), null, LogPath($"etcd-{region.Key}"), "/usr/bin/etcd",
        [
            "--name", region.Key, "--data-dir", Path.Combine(Options.Directory, $"etcd-{region.Key}"),
            "--listen-peer-urls", $"http://{ip}:2380", "--initial-advertise-peer-urls", $"http://{ip}:2380",
            "--listen-client-urls", $"http://{ip}:2379,http://127.0.0.1:2379", "--advertise-client-urls", $"http://{ip}:2379",
            "--initial-cluster", cluster, "--initial-cluster-state", initial ? "new" : "existing",
            "--initial-cluster-token", Options.Scope, "--enable-v2=true", "--pre-vote=true",
            "--heartbeat-interval", "100", "--election-timeout", "1000",
        ]);
        State.Save();
    }

    private async Task WaitForEtcdAsync(CancellationToken cancellationToken)
        => await WaitUntilAsync("etcd to answer in every namespace", TimeSpan.FromSeconds(60), async () =>
        {
            foreach (var region in Region.All)
            {
                try
                {
                    var health = await Http.GetStringAsync($"http://{region.Address}:2379/health", cancellationToken);
                    if (!health.Contains("true", StringComparison.Ordinal))
                    {
                        return false;
                    }
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            }

            return true;
        }, cancellationToken);

    private static (string File, string[] Args) SelfCommand()
    {
        var dll = typeof(RegionsEnvironment).Assembly.Location;
        return (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [dll]);
    }

    /// <summary>The output file of a process of the environment (e.g. <c>silo-a0</c>, <c>patroni-b</c>).</summary>
    public string LogPath(string name) => Path.Combine(Options.Directory, $"{name}.log");
}
