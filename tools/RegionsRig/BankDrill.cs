using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Polly;

using MultiCloud.Workload;

namespace MultiCloud.RegionsRig;

/// <summary>
/// One bank drill: builds the two regions with silos, opens and funds accounts, runs a bank client in each region
/// (transfers and balance reads over HTTP with idempotency keys), injects the fault, heals it (for a lost region:
/// restart, rejoin, planned switchover back under the workload), stops the clients, runs the checker, builds the
/// timeline and removes the environment — pass or fail (files kept when it failed).
/// </summary>
/// <param name="options">The environment.</param>
/// <param name="silos">The silos.</param>
/// <param name="log">Progress lines.</param>
public sealed class BankDrill(RigOptions options, RigSiloOptions silos, Action<string> log)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Accounts the clients move money between. Default 20.</summary>
    public int Accounts { get; init; } = 20;

    /// <summary>Opening deposit of each account, minor units. Default 100,000 (transfers are up to 20,000, so some are refused).</summary>
    public long InitialBalance { get; init; } = 100_000;

    /// <summary>Workload before the fault. Default 8 s.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>How long a fault that is healed (frozen silo, partition, database faults) is held. Default 20 s.</summary>
    public TimeSpan Hold { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long region A stays lost (KillRegionA, LoseRegionA) before it is restarted. Default 25 s: past the
    /// promotion (~10 s) and the eviction of its silos, so that region B serves alone for a while. A fault duration,
    /// not a wait for a condition: the drill polls for the promotion and the activations separately.
    /// </summary>
    public TimeSpan RegionLossHold { get; init; } = TimeSpan.FromSeconds(25);

    /// <summary>
    /// How long the client started in region A after it rejoined runs before the switchover back. Default 5 s, so
    /// that the switchover's outage is measured on a client already serving.
    /// </summary>
    public TimeSpan BeforeSwitchover { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long <see cref="FaultKind.None"/> runs the workload with nothing injected. Default 10 min: long enough for
    /// timers shortened towards their limits to show false failovers and false deaths on this machine.
    /// </summary>
    public TimeSpan QuietHold { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Workload after recovery before the clients stop. Default 10 s.</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Workers per client. Default 4.</summary>
    public int Workers { get; init; } = 4;

    /// <summary>Keep the logs of a run that passed too (in <c>/tmp/multicloud-bank-runs</c>); a failed run's are always kept.</summary>
    public bool KeepLogs { get; init; }

    /// <summary>Runs the drill; writes the timeline plot to <paramref name="plotPath"/> when given.</summary>
    public async Task<BankDrillReport> RunAsync(FaultKind fault, string? plotPath, CancellationToken cancellationToken)
    {
        var env = await RegionsEnvironment.UpAsync(options, log, cancellationToken);
        var events = new List<DrillEvent>();
        var marks = new List<(double, string)>();
        var stopFile = Path.Combine(options.Directory, "bank.stop");
        var clients = new List<string>();
        long faultAt = 0;
        double Since() => (Now() - faultAt) / 1000.0;
        void Event(string what, bool mark = false)
        {
            var at = faultAt == 0 ? 0 : Math.Round(Since(), 2);
            lock (events)
            {
                events.Add(new DrillEvent(at, what));
                if (mark)
                {
                    marks.Add((at, what));
                }
            }

            log($"bank {fault}: {(faultAt == 0 ? string.Empty : $"+{at:0.0} s ")}{what}");
        }

        var failed = true;
        var peakRss = new Dictionary<string, long>(StringComparer.Ordinal);
        var falseDeaths = new List<string>();
        var declaredDead = new List<string>();
        IReadOnlyList<string> deadBeforeHeal = [];
        var leaderChanges = 0;
        using var sampling = new CancellationTokenSource();
        using var supervising = new CancellationTokenSource();
        var sampler = Task.CompletedTask;
        var supervisor = Task.CompletedTask;
        try
        {
            await env.StartSilosAsync(silos, cancellationToken);
            sampler = SampleRssAsync(env, peakRss, sampling.Token);
            var accounts = await OpenAccountsAsync(env.Silos[0].Api, cancellationToken);
            var accountsFile = Path.Combine(options.Directory, "accounts.txt");
            await File.WriteAllLinesAsync(accountsFile, accounts.Select(a => a.ToString()), cancellationToken);
            Event($"{accounts.Length} accounts opened with {InitialBalance} each");
            StartClient(env, Region.A, "a", accountsFile, stopFile, clients);
            StartClient(env, Region.B, "b", accountsFile, stopFile, clients);
            await Task.Delay(Warmup, cancellationToken);

            var timelineBefore = await LeaderTimelineAsync(env, cancellationToken);
            faultAt = Now();
            if (fault != FaultKind.None)
            {
                await env.InjectAsync(fault, cancellationToken);
            }

            var landedAt = Now();
            Event($"fault injected: {fault}", mark: true);
            string? afterFailover = null, afterFailback = null;
            long switchoverAt = 0, healAt = 0;
            switch (fault)
            {
                case FaultKind.KillRegionA or FaultKind.LoseRegionA:
                    var lostUntil = faultAt + (long)RegionLossHold.TotalMilliseconds;
                    await env.WaitUntilAsync("region B to lead", RegionLossHold + TimeSpan.FromSeconds(60), async () => await env.LeaderRegionAsync() == Region.B, cancellationToken);
                    Event("region B leads", mark: true);
                    afterFailover = await PlacementInAsync(env.SilosIn(Region.B).Select(s => s.Api), "b", TimeSpan.FromSeconds(60), cancellationToken);
                    Event($"activations: {afterFailover}");
                    await FrontDoorEventAsync(env, Event, cancellationToken);
                    if (Now() < lostUntil)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(lostUntil - Now()), cancellationToken);
                    }

                    await env.HealAsync(fault, cancellationToken);
                    healAt = Now();
                    Event("region A restarted", mark: true);
                    await env.WaitUntilHealthyAsync(TimeSpan.FromSeconds(120), cancellationToken);
                    foreach (var silo in env.SilosIn(Region.A))
                    {
                        await env.WaitUntilSiloStartedAsync(silo, TimeSpan.FromSeconds(60), cancellationToken);
                    }

                    Event("region A rejoined: synchronous standby, silos ready");
                    StartClient(env, Region.A, "a2", accountsFile, stopFile, clients);
                    await Task.Delay(BeforeSwitchover, cancellationToken);
                    switchoverAt = Now();
                    await env.SwitchoverAsync(Region.A);
                    Event("planned switchover to region A requested", mark: true);
                    await env.WaitUntilAsync("region A to lead again", TimeSpan.FromSeconds(60), async () => await env.LeaderRegionAsync() == Region.A, cancellationToken);
                    Event("region A leads");
                    if (env.State.FrontDoor == FrontDoor.Proxy)
                    {
                        await env.WaitUntilFrontDoorRoutesToAsync(Region.A, TimeSpan.FromSeconds(30), cancellationToken);
                        await FrontDoorEventAsync(env, Event, cancellationToken);
                    }

                    break;
                case FaultKind.None:
                    leaderChanges = await QuietAsync(env, Event, cancellationToken);
                    healAt = Now();
                    Event("quiet run over", mark: true);
                    break;
                case FaultKind.KillSilo:
                    await Task.Delay(Hold / 2, cancellationToken);
                    await env.HealAsync(fault, cancellationToken);
                    healAt = Now();
                    Event($"{env.FaultedSilo} restarted", mark: true);
                    break;
                default:
                    await Task.Delay(Hold, cancellationToken);
                    if (fault is FaultKind.PartitionSilos)
                    {
                        deadBeforeHeal = await RegionsEnvironment.DeadInMembershipAsync(cancellationToken);
                        Event($"declared dead in the membership table before the heal: {(deadBeforeHeal.Count == 0 ? "none" : string.Join(", ", deadBeforeHeal))}");
                    }

                    if (fault is FaultKind.PartitionRegionA or FaultKind.PartitionRegionB)
                    {
                        var primaries = await env.SelfReportedPrimariesAsync();
                        Event($"primaries before the heal: {(primaries.Count == 0 ? "none" : string.Join(", ", primaries.Select(r => r.Name)))}");
                    }

                    await env.HealAsync(fault, cancellationToken);
                    healAt = Now();
                    Event("healed", mark: true);
                    break;
            }

            supervisor = env.SuperviseSilosAsync(silo =>
            {
                Event($"{silo} had exited (declared dead); restarted as a new silo");
                lock (declaredDead)
                {
                    declaredDead.Add(silo);
                }

                if (!Targeted(fault, silo, env.FaultedSilo))
                {
                    lock (falseDeaths)
                    {
                        falseDeaths.Add(silo);
                    }
                }
            }, supervising.Token);
            await env.WaitUntilHealthyAsync(TimeSpan.FromSeconds(180), cancellationToken);
            foreach (var silo in env.Silos)
            {
                await env.WaitUntilSiloReadyAsync(silo, TimeSpan.FromSeconds(90), cancellationToken, failIfExited: false);
            }

            Event("database healthy, every silo ready");
            await Task.Delay(Cooldown, cancellationToken);
            if (switchoverAt != 0)
            {
                afterFailback = await PlacementInAsync(env.Silos.Select(s => s.Api), "a", TimeSpan.FromSeconds(30), cancellationToken);
                Event($"activations: {afterFailback}");
            }

            await File.WriteAllTextAsync(stopFile, "stop", cancellationToken);
            await WaitForClientsAsync(env, clients, cancellationToken);
            Event("clients stopped");
            await sampling.CancelAsync();
            await sampler;
            await supervising.CancelAsync();
            await supervisor;

            var records = clients.SelectMany(c => ReadLog(ClientLog(c))).ToList();
            var promotions = await LeaderTimelineAsync(env, cancellationToken) - timelineBefore;
            var leader = await env.SelfReportedLeaderAsync() ?? throw new InvalidOperationException("No leader at the end of the drill.");
            var check = await BankChecker.CheckAsync(records, accounts, InitialBalance * accounts.Length, leader, [.. env.Silos.Select(s => s.Api)], log, cancellationToken);
            var outside = fault switch
            {
                FaultKind.KillRegionA or FaultKind.LoseRegionA or FaultKind.PartitionRegionA => records.Where(r => r.Client.StartsWith('b')).ToList(),
                FaultKind.PartitionRegionB => records.Where(r => r.Client.StartsWith('a')).ToList(),
                _ => records,
            };
            // The outage must fall inside the fault: failures that the heal, a restart or the switchover cause later
            // do not make a fault that hurt nothing look as if it landed.
            var timeline = BankTimeline.Build(outside, faultAt, healAt);
            var all = BankTimeline.Build(records, faultAt, healAt);
            var back = switchoverAt == 0 ? null : BankTimeline.Build(records.Where(r => r.StartMs >= switchoverAt).ToList(), switchoverAt);
            double? switchoverRto = back is null ? null : back.Outage ? back.RtoSeconds : 0; // a planned switchover that failed no request took 0 s
            var conflictsBySilo = env.Silos.Select(s => (s.Name, Count: CountConflicts(env.LogPath(s.Name)))).Where(c => c.Count > 0).ToDictionary(c => c.Name, c => c.Count);
            var conflicts = conflictsBySilo.Values.Sum();
            Event($"checked: {check.Acknowledged} acknowledged, {check.Failed} refused, {check.Unknown} unknown ({check.UnknownApplied} applied), " +
                $"{check.AcknowledgedLost} acknowledged lost, {check.Reads} reads ({check.ReadsBackwards} backwards), {conflicts} ETag conflicts");
            var plot = Path.Combine(options.Directory, "timeline.png");
            timeline.Plot(plot, marks);
            if (plotPath is not null)
            {
                File.Copy(plot, plotPath, overwrite: true);
            }

            // A region cut off from the other and the witness must stop acknowledging: every commit waits for the
            // synchronous standby across the cut. Counted on attempts sent once every rule was in place and answered
            // before the heal (no answer crosses the cut, so such a 201 came from inside the cut-off region). One sent
            // just before the heal may be answered after it by the writable region through the front door: not counted.
            char? cutOff = fault switch { FaultKind.PartitionRegionA => 'a', FaultKind.PartitionRegionB => 'b', _ => null };
            int? acknowledgedCutOff = cutOff is { } c ? records.Count(r => r.Kind == EventKind.Attempt && r.Status == 201 && r.Client.StartsWith(c) && r.StartMs >= landedAt && r.EndMs < healAt) : null;
            var report = new BankDrillReport(fault, silos.Topology, timeline.RtoSeconds, timeline.FirstSuccessSeconds, all.FailedAttempts, switchoverRto,
                afterFailover, afterFailback, conflicts, conflictsBySilo, falseDeaths, peakRss, check, timeline.Seconds, events)
            {
                Outage = timeline.Outage,
                AcknowledgedInCutOffRegion = acknowledgedCutOff,
                Promotions = promotions,
                DeclaredDead = [.. declaredDead],
                DeadInMembershipBeforeHeal = deadBeforeHeal,
                LeaderChanges = leaderChanges,
            };
            Event($"outage: {report.OutageVerdict}");
            failed = !report.Passed;
            return report;
        }
        finally
        {
            await sampling.CancelAsync();
            await supervising.CancelAsync();
            await Task.WhenAll(sampler, supervisor).ContinueWith(_ => { }, TaskScheduler.Default);
            if (failed || KeepLogs)
            {
                // The next run reuses the directory: keep this run's logs (silos, clients, Patroni) apart.
                var kept = Path.Combine(Path.GetTempPath(), failed ? "multicloud-bank-failed" : "multicloud-bank-runs", $"{options.Prefix}-{fault}-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
                Directory.CreateDirectory(kept);
                foreach (var file in Directory.EnumerateFiles(options.Directory).Where(f => f.EndsWith(".log", StringComparison.Ordinal) || f.EndsWith(".jsonl", StringComparison.Ordinal)))
                {
                    File.Copy(file, Path.Combine(kept, Path.GetFileName(file)), overwrite: true);
                }

                log($"bank {fault}: logs kept in {kept}");
            }

            await env.DownAsync();
        }
    }

    /// <summary>
    /// Opens and funds the accounts before any fault. A 503 (the first calls of a cold cluster can outlast the API's
    /// answer timeout: outcome unknown) is retried with the same idempotency key, as the API asks, for up to 60 s.
    /// </summary>
    private async Task<Guid[]> OpenAccountsAsync(Uri api, CancellationToken cancellationToken)
    {
        var retry = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new()
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result?.StatusCode == HttpStatusCode.ServiceUnavailable),
                MaxRetryAttempts = 60,
                Delay = TimeSpan.FromSeconds(1),
                BackoffType = DelayBackoffType.Constant,
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .Build();

        async Task<JsonElement> PostAsync(string path, object body, string key)
        {
            using var response = await retry.ExecuteAsync(async ct =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(api, path)) { Content = JsonContent.Create(body) };
                request.Headers.Add("Idempotency-Key", key);
                return await Http.SendAsync(request, ct);
            }, cancellationToken);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        }

        var accounts = new Guid[Accounts];
        for (var i = 0; i < Accounts; i++)
        {
            accounts[i] = (await PostAsync("/accounts", new { owner = $"drill-{i}", currency = "EUR" }, $"open-{i}")).GetProperty("id").GetGuid();
            await PostAsync($"/accounts/{accounts[i]}/deposits", new { amount = InitialBalance }, $"fund-{i}");
        }

        return accounts;
    }

    /// <summary>Account activations per region, as the cluster reports them through the first front end that answers.</summary>
    /// <summary>
    /// Polls the placement until every account is activated in <paramref name="region"/> or
    /// <paramref name="timeout"/> passes; returns the last placement read (the test asserts on it, so a placement
    /// that never moved fails there, naming what it was).
    /// </summary>
    private async Task<string> PlacementInAsync(IEnumerable<Uri> frontEnds, string region, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var apis = frontEnds.ToList();
        var deadline = Now() + (long)timeout.TotalMilliseconds;
        var all = $"{region}={Accounts}";
        while (true)
        {
            var placement = await PlacementAsync(apis, cancellationToken);
            if (placement.Contains(all, StringComparison.Ordinal) || Now() >= deadline)
            {
                return placement;
            }

            await Task.Delay(500, cancellationToken);
        }
    }

    private static async Task<string> PlacementAsync(IEnumerable<Uri> frontEnds, CancellationToken cancellationToken)
    {
        foreach (var api in frontEnds)
        {
            try
            {
                var report = await Http.GetFromJsonAsync<JsonElement>(new Uri(api, "/ledger/placement"), cancellationToken);
                var byRegion = report.GetProperty("silos").EnumerateArray()
                    .GroupBy(s => s.GetProperty("region").GetString() ?? "?")
                    .OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => $"{g.Key}={g.Sum(s => s.GetProperty("accounts").GetInt32())}");
                return $"{string.Join(" ", byRegion)} (primary {report.GetProperty("primaryRegion").GetString()})";
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
            {
                // Next front end.
            }
        }

        return "unknown (no front end answered)";
    }

    private void StartClient(RegionsEnvironment env, Region region, string name, string accountsFile, string stopFile, List<string> clients)
    {
        // Through the front door: one address, and the client chooses nothing. Without it: every silo, its own region's first.
        var own = env.SilosIn(region).ToList();
        var proxied = env.State.FrontDoor == FrontDoor.Proxy;
        var targets = proxied
            ? [$"front-door={RegionsEnvironment.GlobalEntry}"]
            : own.Concat(env.Silos.Where(s => s.Region != region)).Select(s => $"{s.Name}={s.Api}").ToList();
        env.State.Pids[$"client-{name}"] = Shell.StartDetached(options.Namespace(region), null, Path.Combine(options.Directory, $"client-{name}.log"),
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            [typeof(BankDrill).Assembly.Location, "bank-client", "--name", name, "--targets", string.Join(',', targets), "--local-targets", (proxied ? 1 : own.Count).ToString(CultureInfo.InvariantCulture),
                "--accounts", accountsFile, "--log", ClientLog(name), "--stop-file", stopFile, "--workers", Workers.ToString(CultureInfo.InvariantCulture), "--max-seconds", "900"]);
        env.State.Save();
        clients.Add(name);
    }

    /// <summary>
    /// Holds <see cref="FaultKind.None"/>'s quiet run, logging every change of the Patroni leader or of its timeline
    /// as it happens (polled each second) and progress once a minute. Returns the number of changes seen (a second
    /// without a leader counts).
    /// </summary>
    private async Task<int> QuietAsync(RegionsEnvironment env, Action<string, bool> log, CancellationToken cancellationToken)
    {
        var changes = 0;
        var until = Now() + (long)QuietHold.TotalMilliseconds;
        var nextProgress = Now() + 60_000;
        var last = await env.ClusterAsync();
        while (Now() < until)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var now = await env.ClusterAsync();
            if (now?.Leader?.Name != last?.Leader?.Name || now?.Leader?.Timeline != last?.Leader?.Timeline)
            {
                log($"leader changed: {last?.Leader?.Name ?? "none"} (timeline {last?.Leader?.Timeline}) -> {now?.Leader?.Name ?? "none"} (timeline {now?.Leader?.Timeline})", true);
                last = now;
                changes++;
            }

            if (Now() >= nextProgress)
            {
                log($"quiet run: {(until - Now()) / 1000} s left", false);
                nextProgress += 60_000;
            }
        }

        return changes;
    }

    /// <summary>The leader's PostgreSQL timeline (each promotion adds one), waiting up to 60 s for a leader.</summary>
    private static async Task<long> LeaderTimelineAsync(RegionsEnvironment env, CancellationToken cancellationToken)
    {
        long? timeline = null;
        await env.WaitUntilAsync("a leader with a timeline", TimeSpan.FromSeconds(60), async () => (timeline = (await env.ClusterAsync())?.Leader?.Timeline) is not null, cancellationToken);
        return timeline!.Value;
    }

    /// <summary>Logs which region the front door sends requests to now (nothing without a front door).</summary>
    private static async Task FrontDoorEventAsync(RegionsEnvironment env, Action<string, bool> log, CancellationToken cancellationToken)
    {
        if (env.State.FrontDoor == FrontDoor.Proxy)
        {
            log($"front door routes to: {await RegionsEnvironment.FrontDoorRegionAsync(cancellationToken)}", false);
        }
    }

    /// <summary>Whether the fault cut <paramref name="silo"/> off (so that being declared dead is expected).</summary>
    private static bool Targeted(FaultKind fault, string silo, string faultedSilo) => fault switch
    {
        FaultKind.KillSilo or FaultKind.FreezeSilo => silo == faultedSilo,
        FaultKind.KillRegionA or FaultKind.LoseRegionA or FaultKind.PartitionRegionA => silo.StartsWith("silo-a", StringComparison.Ordinal),
        FaultKind.PartitionRegionB => silo.StartsWith("silo-b", StringComparison.Ordinal),
        FaultKind.PartitionSilos => true, // one side's silos are declared dead by the other's votes: the fault's expected effect
        _ => false,
    };

    private string ClientLog(string name) => Path.Combine(options.Directory, $"client-{name}.jsonl");

    private static async Task WaitForClientsAsync(RegionsEnvironment env, List<string> clients, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clients.Any(c => env.State.Pids.TryGetValue($"client-{c}", out var pid) && Shell.IsAlive(pid)))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(150))
            {
                throw new TimeoutException("A bank client did not stop within 150 s of the stop file.");
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    private static async Task SampleRssAsync(RegionsEnvironment env, Dictionary<string, long> peak, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var (silo, bytes) in env.SiloResidentBytes())
            {
                peak[silo] = Math.Max(peak.GetValueOrDefault(silo), bytes);
            }

            try
            {
                await Task.Delay(1000, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Reads a client's log.</summary>
    public static IReadOnlyList<HistoryEvent> ReadLog(string path) => File.Exists(path)
        ? [.. File.ReadLines(path).Where(l => l.Length > 0 && l[^1] == '}').Select(l => JsonSerializer.Deserialize<HistoryEvent>(l)!)]
        : [];

    private static int CountConflicts(string siloLog) => File.Exists(siloLog)
        ? File.ReadLines(siloLog).Count(l => l.Contains("[1300]", StringComparison.Ordinal) || l.Contains("[1003]", StringComparison.Ordinal))
        : 0;

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
