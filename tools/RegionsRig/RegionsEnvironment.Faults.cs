using System.Globalization;
using System.Net;
using System.Text.Json;
using Npgsql;
using Polly;

namespace MultiCloud.RegionsRig;

/// <content>Fault injection and healing.</content>
public sealed partial class RegionsEnvironment
{
    private Region? _faultedPrimary;

    /// <summary>The silo that <see cref="FaultKind.KillSilo"/> and <see cref="FaultKind.FreezeSilo"/> hit. Default <c>silo-a0</c>.</summary>
    public string FaultedSilo { get; set; } = "silo-a0";

    /// <summary>
    /// Injects a fault and proves it landed (<see cref="FaultProof"/>): a signalled process was the one aimed at and
    /// shows the effect (gone, stopped), a stopped server's postmaster is gone, a killed region has no process left,
    /// partition rules are in place. Faults that target "the primary" pick the region leading right now.
    /// </summary>
    /// <exception cref="InvalidOperationException">There is no leader to fault.</exception>
    /// <exception cref="ArgumentException"><see cref="FaultKind.None"/> (a bank drill's quiet run injects nothing).</exception>
    /// <exception cref="FaultNotLandedException">The fault did not take effect.</exception>
    public async Task InjectAsync(FaultKind fault, CancellationToken cancellationToken = default)
    {
        switch (fault)
        {
            case FaultKind.None:
                throw new ArgumentException("None is no fault: only a bank drill runs it (a quiet run).", nameof(fault));
            case FaultKind.KillRegionA:
                await KillNamespaceAsync(Region.A, cancellationToken);
                break;
            case FaultKind.StopPrimaryPostgres:
                _faultedPrimary = await RequireLeaderAsync();
                var postmaster = PostmasterPid(_faultedPrimary);
                await Shell.RunAsync("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups",
                    Path.Combine(PostgresBin, "pg_ctl"), "-D", DataDirectory(_faultedPrimary), "-m", "immediate", "-w", "stop"]);
                await FaultProof.WaitGoneAsync(postmaster, $"{_faultedPrimary.Name}'s postmaster after pg_ctl stop", cancellationToken);
                break;
            case FaultKind.KillPrimaryPatroni:
                _faultedPrimary = await RequireLeaderAsync();
                await FaultProof.SignalAsync(State.Pids[$"patroni-{_faultedPrimary.Key}"], "KILL", "patroni", $"{_faultedPrimary.Name}'s Patroni", cancellationToken);
                break;
            case FaultKind.FreezePrimaryPostmaster:
                _faultedPrimary = await RequireLeaderAsync();
                await FaultProof.SignalAsync(PostmasterPid(_faultedPrimary), "STOP", "postgres", $"{_faultedPrimary.Name}'s postmaster", cancellationToken);
                break;
            case FaultKind.PartitionRegionA:
                await PartitionAsync(Region.A);
                break;
            case FaultKind.PartitionRegionB:
                await PartitionAsync(Region.B);
                break;
            case FaultKind.StopEtcdMember:
                await FaultProof.SignalAsync(State.Pids[$"etcd-{Region.Witness.Key}"], "KILL", "etcd", "the witness's etcd member", cancellationToken);
                break;
            case FaultKind.LoseRegionA:
                await IsolateAsync(Region.A);
                await KillNamespaceAsync(Region.A, cancellationToken);
                break;
            case FaultKind.KillSilo:
                await FaultProof.SignalAsync(SiloPid(FaultedSilo), "KILL", SiloArgument(FaultedSilo), FaultedSilo, cancellationToken);
                break;
            case FaultKind.FreezeSilo:
                await FaultProof.SignalAsync(SiloPid(FaultedSilo), "STOP", SiloArgument(FaultedSilo), FaultedSilo, cancellationToken);
                break;
            case FaultKind.PartitionSilos:
                await CutSiloPortsAsync();
                break;
        }

        _log($"fault: {fault}{(_faultedPrimary is null ? string.Empty : $" on {_faultedPrimary.Name}")} (landed)");
    }

    /// <summary>
    /// Undoes a fault: removes partitions, resumes a frozen process (checked running), restarts killed processes. A
    /// partition's DROP rules must have dropped packets while it lasted (their counters, read before the rules are
    /// removed): rules in place that matched nothing cut nothing.
    /// </summary>
    /// <exception cref="FaultNotLandedException">A resumed process did not run again, or a partition dropped no packet (the fault is healed first).</exception>
    public async Task HealAsync(FaultKind fault, CancellationToken cancellationToken = default)
    {
        switch (fault)
        {
            case FaultKind.None:
                throw new ArgumentException("None is no fault: there is nothing to heal.", nameof(fault));
            case FaultKind.KillRegionA:
                RestartRegion(Region.A);
                await WaitForHAProxyAsync(Region.A, TimeSpan.FromSeconds(30), cancellationToken);
                break;
            case FaultKind.LoseRegionA:
                var lost = await DroppedPacketsAsync(Region.A);
                await Shell.InNamespaceAsync(Options.Namespace(Region.A), "iptables", ["-F", PartitionChain]);
                RestartRegion(Region.A);
                RequireDropped(fault, lost);
                await WaitForHAProxyAsync(Region.A, TimeSpan.FromSeconds(30), cancellationToken);
                break;
            case FaultKind.KillSilo:
                StartSilo(State.Silos.Single(s => s.Name == FaultedSilo));
                break;
            case FaultKind.FreezeSilo:
                await FaultProof.SignalAsync(SiloPid(FaultedSilo), "CONT", SiloArgument(FaultedSilo), FaultedSilo, cancellationToken);
                break;
            case FaultKind.KillPrimaryPatroni:
                StartPatroni(_faultedPrimary ?? Region.A);
                break;
            case FaultKind.FreezePrimaryPostmaster:
                var region = _faultedPrimary ?? Region.A;
                await FaultProof.SignalAsync(PostmasterPid(region), "CONT", "postgres", $"{region.Name}'s postmaster", cancellationToken);
                break;
            case FaultKind.PartitionRegionA:
            case FaultKind.PartitionRegionB:
            case FaultKind.PartitionSilos:
                long dropped = 0;
                foreach (var r in Region.All)
                {
                    dropped += await DroppedPacketsAsync(r);
                    await Shell.InNamespaceAsync(Options.Namespace(r), "iptables", ["-F", PartitionChain]);
                }

                RequireDropped(fault, dropped);
                break;
            case FaultKind.StopEtcdMember:
                StartEtcd(Region.Witness, initial: false);
                break;
        }

        _log($"heal: {fault}");
    }

    /// <summary>
    /// A planned switchover through Patroni's REST API: the leader hands over to <paramref name="candidate"/>. Patroni
    /// refuses (412) a candidate that its leader does not yet list as the synchronous standby, which a member that has
    /// just rejoined can be for a few seconds after it streams again (the leader updates its sync key on its next loop):
    /// that refusal is retried for up to 60 s, with a write on the leader before each retry (the leader names a new
    /// synchronous standby once it has confirmed a commit), any other is final.
    /// </summary>
    /// <exception cref="InvalidOperationException">Patroni refused.</exception>
    public async Task SwitchoverAsync(Region candidate)
    {
        var leader = await RequireLeaderAsync();
        var pipeline = new ResiliencePipelineBuilder<(HttpStatusCode Status, string Body)>()
            .AddRetry(new()
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { Status: HttpStatusCode.PreconditionFailed, Body: var text }
                    && text.Contains("sync_standby", StringComparison.Ordinal)),
                MaxRetryAttempts = 60,
                Delay = TimeSpan.FromSeconds(1),
                BackoffType = DelayBackoffType.Constant,
                OnRetry = async args =>
                {
                    _log($"switchover: {candidate.Member} is not the synchronous standby yet; retrying ({args.AttemptNumber + 1}); cluster: {JsonSerializer.Serialize(await ClusterAsync())}");
                    await WriteOnAsync(leader);
                },
            })
            .Build();
        var (status, body) = await pipeline.ExecuteAsync(async ct =>
        {
            using var response = await SwitchoverHttp.PostAsync($"http://{leader.Address}:8008/switchover",
                new StringContent($"{{\"leader\":\"{leader.Member}\",\"candidate\":\"{candidate.Member}\"}}", System.Text.Encoding.UTF8, "application/json"), ct);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        });
        if ((int)status is < 200 or > 299)
        {
            throw new InvalidOperationException($"Switchover to {candidate.Member} refused: {(int)status} {body}; cluster: {JsonSerializer.Serialize(await ClusterAsync())}");
        }

        _log($"switchover: {leader.Member} -> {candidate.Member}: {body.Trim()}");
    }

    /// <summary>One small committed write on a region's server (a failure is only logged: this nudges, it checks nothing).</summary>
    private async Task WriteOnAsync(Region region)
    {
        try
        {
            await using var connection = new NpgsqlConnection(DirectConnectionString(region));
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS rig_nudge (at timestamptz); INSERT INTO rig_nudge VALUES (now())", connection);
            await command.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException exception)
        {
            _log($"nudge on {region.Member} failed: {exception.Message}");
        }
    }

    /// <summary>The pid of a region's postmaster (first line of postmaster.pid).</summary>
    public int PostmasterPid(Region region)
        => int.Parse(File.ReadLines(Path.Combine(DataDirectory(region), "postmaster.pid")).First(), CultureInfo.InvariantCulture);

    private async Task<Region> RequireLeaderAsync()
        => await LeaderRegionAsync() ?? throw new InvalidOperationException("There is no leader to fault.");

    /// <summary>SIGKILLs every process in a region's namespace and waits until none is left.</summary>
    /// <exception cref="FaultNotLandedException">The namespace had no process, or some survived.</exception>
    private async Task KillNamespaceAsync(Region region, CancellationToken cancellationToken)
    {
        var ns = Options.Namespace(region);
        async Task<int[]> PidsAsync() => [.. (await Shell.RunAsync("ip", ["netns", "pids", ns], check: false))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))];
        var pids = await PidsAsync();
        if (pids.Length == 0)
        {
            throw new FaultNotLandedException($"{region.Name}: namespace {ns} has no process to kill");
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        int[] left = pids;
        while (left.Length > 0)
        {
            // Each pass kills whatever is still there, children forked since the last listing included; a process
            // may exit on its own meanwhile: what counts is that none is left.
            foreach (var pid in left)
            {
                Shell.Signal(pid, "KILL");
            }

            if (clock.Elapsed > FaultProof.Deadline)
            {
                throw new FaultNotLandedException($"{region.Name}: {left.Length} processes still running in {ns} after SIGKILL ({string.Join(", ", left)})");
            }

            await Task.Delay(50, cancellationToken);
            left = [.. (await PidsAsync()).Where(Shell.IsAlive)];
        }
    }

    /// <summary>
    /// Restarts every process of a region after it was killed: relay, etcd member, Patroni, HAProxy, its silos, its
    /// front-door proxy (the
    /// callers then wait until the region's HAProxy routes to the primary, in the other region by then).
    /// </summary>
    private void RestartRegion(Region region)
    {
        StartRelay(region);
        StartEtcd(region, initial: false);
        StartPatroni(region);
        StartHAProxy(region);
        foreach (var silo in SilosIn(region))
        {
            StartSilo(silo);
        }

        if (State.FrontDoor == FrontDoor.Proxy)
        {
            StartRegionalProxy(region);
        }
    }

    private int SiloPid(string silo)
        => State.Pids.TryGetValue(silo, out var pid) ? pid : throw new InvalidOperationException($"There is no silo '{silo}' (silos: {string.Join(", ", State.Silos.Select(s => s.Name))}).");

    /// <summary>Drops every packet between a namespace and every other address of the range (the root namespace included).</summary>
    private async Task IsolateAsync(Region region)
    {
        var own = region.Address.ToString();
        // iptables takes one -s per rule: let the namespace's own traffic through first, then drop the range.
        await AddRuleAsync(region, ["-s", own, "-d", own, "-j", "RETURN"]);
        await AddRuleAsync(region, ["-s", "198.18.0.0/24", "-j", "DROP"]);
        await AddRuleAsync(region, ["-d", "198.18.0.0/24", "-j", "DROP"]);
    }

    /// <summary>Appends a rule to a region's partition chain and proves it is in place (<c>iptables -C</c>).</summary>
    /// <exception cref="FaultNotLandedException">It is not.</exception>
    private async Task AddRuleAsync(Region region, string[] rule)
    {
        var ns = Options.Namespace(region);
        await Shell.InNamespaceAsync(ns, "iptables", ["-A", PartitionChain, .. rule]);
        // The rule is in the chain, and the chain is where packets pass: hooked into INPUT and OUTPUT.
        foreach (var check in new[] { (string[])["-C", PartitionChain, .. rule], ["-C", "INPUT", "-j", PartitionChain], ["-C", "OUTPUT", "-j", PartitionChain] })
        {
            try
            {
                await Shell.InNamespaceAsync(ns, "iptables", check);
            }
            catch (InvalidOperationException exception)
            {
                throw new FaultNotLandedException($"{region.Name}: 'iptables {string.Join(' ', check)}' failed: the rule '{string.Join(' ', rule)}' does not filter packets", exception);
            }
        }
    }

    /// <summary>
    /// Drops, in each region's namespace, TCP to and from the other region's silo and gateway ports. Cross-region
    /// connections leave through the delay relay, so the filter sees them with their real peer address and port.
    /// </summary>
    private async Task CutSiloPortsAsync()
    {
        if (Region.All.Count(r => SilosIn(r).Any()) < 2)
        {
            throw new FaultNotLandedException("PartitionSilos: silos run in fewer than two regions, so there is no silo port between regions to cut");
        }

        foreach (var region in Region.All.Where(r => SilosIn(r).Any()))
        {
            foreach (var other in Region.All.Where(r => r != region && SilosIn(r).Any()))
            {
                // multiport takes at most 15 ports a rule.
                foreach (var chunk in SilosIn(other).SelectMany(s => new[] { s.SiloPort, s.GatewayPort }).Order().Chunk(15))
                {
                    var ports = string.Join(',', chunk);
                    await AddRuleAsync(region, ["-p", "tcp", "-d", $"{other.Address}/32", "-m", "multiport", "--dports", ports, "-j", "DROP"]);
                    await AddRuleAsync(region, ["-p", "tcp", "-s", $"{other.Address}/32", "-m", "multiport", "--sports", ports, "-j", "DROP"]);
                }
            }
        }
    }

    /// <summary>Packets the DROP rules of a region's partition chain have dropped (<c>iptables -L -v -x</c> counters).</summary>
    private async Task<long> DroppedPacketsAsync(Region region)
    {
        var listing = await Shell.InNamespaceAsync(Options.Namespace(region), "iptables", ["-L", PartitionChain, "-v", "-x", "-n"]);
        // Lines after the two headers: pkts bytes target prot opt in out source destination [match].
        return listing.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(columns => columns.Length > 2 && columns[2] == "DROP")
            .Sum(columns => long.Parse(columns[0], CultureInfo.InvariantCulture));
    }

    private void RequireDropped(FaultKind fault, long dropped)
    {
        _log($"{fault}: the partition rules dropped {dropped} packets");
        if (dropped == 0)
        {
            throw new FaultNotLandedException($"{fault}: the partition rules dropped no packet while the fault lasted, so nothing was cut");
        }
    }

    private async Task PartitionAsync(Region isolated)
    {
        foreach (var other in Region.All.Where(r => r != isolated))
        {
            await AddRuleAsync(isolated, ["-s", other.Address.ToString(), "-j", "DROP"]);
            await AddRuleAsync(isolated, ["-d", other.Address.ToString(), "-j", "DROP"]);
        }
    }

    /// <summary>The argument only the silo named <paramref name="silo"/> has on its command line (<see cref="RigSiloOptions.Arguments"/>).</summary>
    private static string SiloArgument(string silo) => $"--Cluster:SiloName={silo}";
}
