using System.Diagnostics;
using System.Globalization;

namespace MultiCloud.RegionsRig;

/// <summary>
/// One fault drill from start to end: builds the environment, starts a writer in each region, injects the fault,
/// holds it, heals it, waits for a stable cluster (for a lost region: rejoin and planned switchover back), stops the
/// writers, runs the SQL-level checker, and removes the environment — pass or fail.
/// </summary>
/// <param name="options">The environment's options.</param>
/// <param name="log">Progress lines.</param>
public sealed class Drill(RigOptions options, Action<string> log)
{
    /// <summary>Writes before the fault, so that the first fault hits a busy primary.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Pause between a writer's attempts. Default 50 ms.</summary>
    public TimeSpan WriteInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long a partition, a frozen postmaster or a stopped etcd member is held before it is healed.</summary>
    public TimeSpan Hold { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long region A stays down after region B accepts writes again (KillRegionA), before it is restarted.
    /// Default 5 s: region B runs as a primary without a synchronous standby for a while, which the exposure
    /// monitor must see. A fault duration, not a wait for a condition.
    /// </summary>
    public TimeSpan DownAfterFailover { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Runs the drill.</summary>
    /// <exception cref="ArgumentException"><see cref="FaultKind.None"/>: a bank drill's quiet run only.</exception>
    public async Task<DrillReport> RunAsync(FaultKind fault, CancellationToken cancellationToken)
    {
        if (fault == FaultKind.None)
        {
            throw new ArgumentException("None is a bank drill's quiet run, not a SQL drill's fault.", nameof(fault));
        }

        var env = await RegionsEnvironment.UpAsync(options, log, cancellationToken);
        var events = new List<DrillEvent>();
        var writers = new List<(string Name, string Log)>();
        var stopFile = Path.Combine(options.Directory, "writers.stop");
        var faultedRegion = "";
        DateTimeOffset faultAt = default;
        double Since() => (DateTimeOffset.UtcNow - faultAt).TotalSeconds;
        void Event(string what)
        {
            events.Add(new DrillEvent(faultAt == default ? 0 : Math.Round(Since(), 2), what));
            log($"drill {fault}: {(faultAt == default ? string.Empty : $"+{Since():0.0} s ")}{what}");
        }

        var failed = true;
        try
        {
            await SqlWriter.CreateTableAsync(cancellationToken);
            StartWriter(env, Region.A, 1, stopFile, writers);
            StartWriter(env, Region.B, 2, stopFile, writers);
            await Task.Delay(Warmup, cancellationToken);

            faultedRegion = fault switch
            {
                FaultKind.KillRegionA or FaultKind.PartitionRegionA => Region.A.Name,
                FaultKind.PartitionRegionB => Region.B.Name,
                FaultKind.StopEtcdMember => Region.Witness.Name,
                _ => (await env.LeaderRegionAsync())?.Name ?? "none",
            };
            faultAt = DateTimeOffset.UtcNow;
            await env.InjectAsync(fault, cancellationToken);
            Event($"fault injected: {fault} on {faultedRegion}");

            double? healed = null, rejoined = null, switchover = null;
            var exposure = new ExposureMonitor(env);
            var monitoring = exposure.RunAsync(cancellationToken);
            switch (fault)
            {
                case FaultKind.KillRegionA:
                    await WaitForWritesAsync(writers, faultAt, TimeSpan.FromSeconds(90), cancellationToken);
                    Event($"writes succeed again ({(await env.LeaderRegionAsync())?.Name} leads)");
                    await Task.Delay(DownAfterFailover, cancellationToken);
                    await env.HealAsync(fault, cancellationToken);
                    healed = Since();
                    Event("region A restarted");
                    await env.WaitUntilHealthyAsync(TimeSpan.FromSeconds(120), cancellationToken);
                    rejoined = Since() - healed;
                    Event($"region A rejoined as synchronous standby after {rejoined:0.0} s");
                    StartWriter(env, Region.A, 3, stopFile, writers);
                    var requested = DateTimeOffset.UtcNow;
                    await env.SwitchoverAsync(Region.A);
                    await env.WaitUntilAsync("region A to lead again", TimeSpan.FromSeconds(60), async () => (await env.LeaderRegionAsync()) == Region.A, cancellationToken);
                    await WaitForWritesAsync(writers, requested, TimeSpan.FromSeconds(60), cancellationToken);
                    switchover = (DateTimeOffset.UtcNow - requested).TotalSeconds;
                    Event($"switchover back to region A done in {switchover:0.0} s");
                    break;
                case FaultKind.StopPrimaryPostgres:
                    await WaitForWritesAsync(writers, faultAt, TimeSpan.FromSeconds(90), cancellationToken);
                    Event($"writes succeed again ({(await env.LeaderRegionAsync())?.Name} leads)");
                    break;
                case FaultKind.KillPrimaryPatroni:
                    // Held longer than the leader key's ttl, so that the standby's Patroni sees no leader and promotes
                    // while the old primary's PostgreSQL, orphaned, still runs.
                    await Task.Delay(Hold, cancellationToken);
                    await env.HealAsync(fault, cancellationToken);
                    healed = Since();
                    Event("Patroni restarted on the old primary");
                    break;
                default:
                    await Task.Delay(Hold, cancellationToken);
                    await env.HealAsync(fault, cancellationToken);
                    healed = Since();
                    Event("healed");
                    break;
            }

            await env.WaitUntilHealthyAsync(TimeSpan.FromSeconds(180), cancellationToken);
            var stable = Since();
            Event("cluster healthy in three consecutive readings");
            exposure.Stop();
            await monitoring;

            await File.WriteAllTextAsync(stopFile, "stop", cancellationToken);
            // The writers finish their attempt in flight and exit; their logs are complete only then.
            await env.WaitUntilAsync("the SQL writers to exit", TimeSpan.FromSeconds(60),
                () => Task.FromResult(!writers.Any(w => env.State.Pids.TryGetValue($"writer-{w.Item1}", out var pid) && Shell.IsAlive(pid))), cancellationToken);
            var logs = writers.SelectMany(w => SqlWriter.ReadLog(w.Log)).ToList();
            var leader = await env.SelfReportedLeaderAsync() ?? throw new InvalidOperationException("No leader at the end of the drill.");
            var check = await SqlChecker.CheckAsync(logs, leader, Region.Databases.Single(r => r != leader), cancellationToken);
            Event($"checked: {check.Acknowledged} acknowledged, {check.Failed} failed, {check.Unknown} unknown ({check.UnknownApplied} applied), {check.AcknowledgedLost} acknowledged lost, {check.Diverged} diverged");

            var faultMs = faultAt.ToUnixTimeMilliseconds();
            var begins = logs.Where(l => l.Phase == "begin").ToDictionary(l => l.Id, l => l.AtMs);
            var acks = logs.Where(l => l.Phase == "end" && l.Outcome == "ack").ToList();
            var firstAfter = acks.Where(a => begins[a.Id] > faultMs).Select(a => (double?)(a.AtMs - faultMs) / 1000).Min();
            var lastBefore = acks.Where(a => a.AtMs <= faultMs).Select(a => (double?)(a.AtMs - faultMs) / 1000).Max();
            // Only writes begun while the fault lasted count (until the heal, or until stable for faults without one).
            var faultEndMs = faultMs + (long)((healed ?? stable) * 1000);
            var failedAfter = logs.Count(l => l.Phase == "end" && l.Outcome != "ack" && begins.TryGetValue(l.Id, out var begun) && begun >= faultMs && begun < faultEndMs);
            var ackTimes = acks.Select(a => a.AtMs).Where(t => t >= faultMs + (long)((lastBefore ?? 0) * 1000)).Order().ToList();
            var gap = ackTimes.Zip(ackTimes.Skip(1), (x, y) => (y - x) / 1000.0).DefaultIfEmpty(0).Max();
            var report = new DrillReport(fault, faultedRegion, firstAfter, lastBefore, gap, healed, stable, rejoined, switchover, exposure.ExposedSeconds,
                leader.Name, check, events) { FailedWritesAfterFault = failedAfter };
            Event($"outage: {report.OutageVerdict}");
            failed = !report.Passed;
            return report;
        }
        finally
        {
            // Keep the logs of a failed drill for diagnosis (the namespaces and processes go either way).
            await env.DownAsync(keepFiles: failed);
            if (failed)
            {
                log($"drill {fault}: logs kept in {options.Directory}");
            }
        }
    }

    private void StartWriter(RegionsEnvironment env, Region region, int index, string stopFile, List<(string, string)> writers)
    {
        var name = $"{region.Key}{index}";
        var logPath = Path.Combine(options.Directory, $"writer-{name}.jsonl");
        var dll = typeof(Drill).Assembly.Location;
        env.State.Pids[$"writer-{name}"] = Shell.StartDetached(options.Namespace(region), null, Path.Combine(options.Directory, $"writer-{name}.log"),
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            [dll, "writer", "--name", name, "--index", index.ToString(CultureInfo.InvariantCulture), "--log", logPath, "--stop-file", stopFile,
                "--interval-ms", WriteInterval.TotalMilliseconds.ToString(CultureInfo.InvariantCulture), "--max-seconds", "600"]);
        env.State.Save();
        writers.Add((name, logPath));
    }

    /// <summary>Waits until some writer has an acknowledged write that began after <paramref name="since"/>.</summary>
    private static async Task WaitForWritesAsync(List<(string Name, string Log)> writers, DateTimeOffset since, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var sinceMs = since.ToUnixTimeMilliseconds();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            foreach (var (_, path) in writers)
            {
                var lines = SqlWriter.ReadLog(path);
                var begins = lines.Where(l => l.Phase == "begin").ToDictionary(l => l.Id, l => l.AtMs);
                if (lines.Any(l => l.Phase == "end" && l.Outcome == "ack" && begins.TryGetValue(l.Id, out var b) && b > sinceMs))
                {
                    return;
                }
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"No write succeeded within {timeout.TotalSeconds:0} s.");
    }
}
