using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using MultiCloud.RegionsRig;

// scripts/regions: two regions and a witness on one machine (see docs/database-ha.md). Needs root.
var json = new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };
var prefix = new Option<string>("--prefix") { Description = "Prefix of the environment's namespaces and interfaces (≤ 6 characters)", DefaultValueFactory = _ => "mcr", Recursive = true };
var latency = new Option<double>("--latency-ms") { Description = "Inter-region round-trip time added by the delay relay (ms)", DefaultValueFactory = _ => 20, Recursive = true };
var ttl = new Option<int>("--patroni-ttl") { Description = "Patroni ttl (s): how long the leader key lives unrenewed; loop_wait + 2 x retry_timeout must not exceed it", DefaultValueFactory = _ => new RigOptions().PatroniTtl, Recursive = true };
var loopWait = new Option<int>("--patroni-loop-wait") { Description = "Patroni loop_wait (s)", DefaultValueFactory = _ => new RigOptions().PatroniLoopWait, Recursive = true };
var retryTimeout = new Option<int>("--patroni-retry-timeout") { Description = "Patroni retry_timeout (s)", DefaultValueFactory = _ => new RigOptions().PatroniRetryTimeout, Recursive = true };
var haproxyCheck = new Option<int>("--haproxy-check-ms") { Description = "How often each region's HAProxy asks each Patroni whether it leads (ms); down after 2 misses", DefaultValueFactory = _ => (int)new RigOptions().HAProxyCheckInterval.TotalMilliseconds, Recursive = true };
var frontDoorCheck = new Option<int>("--front-door-check-ms") { Description = "How often the front door's proxies check the silos' health endpoints (ms); down after 2 misses", DefaultValueFactory = _ => (int)new RigOptions().FrontDoorCheckInterval.TotalMilliseconds, Recursive = true };
var root = new RootCommand("Two regions and a witness on one machine: namespaces, delay relay, etcd, Patroni and PostgreSQL; faults; checker.") { prefix, latency, ttl, loopWait, retryTimeout, haproxyCheck, frontDoorCheck };
RigOptions Options(ParseResult parse) => new()
{
    Prefix = parse.GetValue(prefix)!,
    OneWayLatency = TimeSpan.FromMilliseconds(parse.GetValue(latency) / 2),
    PatroniTtl = parse.GetValue(ttl),
    PatroniLoopWait = parse.GetValue(loopWait),
    PatroniRetryTimeout = parse.GetValue(retryTimeout),
    HAProxyCheckInterval = TimeSpan.FromMilliseconds(parse.GetValue(haproxyCheck)),
    FrontDoorCheckInterval = TimeSpan.FromMilliseconds(parse.GetValue(frontDoorCheck)),
};
static void Log(string line) => Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");

var silos = new Option<int>("--silos") { Description = "Orleans silos per region, each with the HTTP API (0: database only)", DefaultValueFactory = _ => 0 };
var siloDll = new Option<string?>("--silo-dll") { Description = "Path of MultiCloud.Silo.dll (Release build of src/Silo); default $MULTICLOUD_SILO_DLL", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MULTICLOUD_SILO_DLL") };
var topology = new Option<ClusterTopology>("--topology") { Description = "OneCluster (one ClusterId across both regions) or ClusterPerRegion", DefaultValueFactory = _ => ClusterTopology.OneCluster };
var route = new Option<PrimaryRoute>("--primary-route") { Description = "How silos reach the primary: HAProxy (their region's, following Patroni's /primary) or MultiHost (Npgsql's multi-host list)", DefaultValueFactory = _ => PrimaryRoute.HAProxy };
var frontDoor = new Option<FrontDoor>("--front-door") { Description = "How bank clients reach the API: Proxy (one global entry that follows the writable region, through a proxy per region) or Client (clients list every silo and choose)", DefaultValueFactory = _ => FrontDoor.Proxy };
var siloArg = new Option<string[]>("--silo-arg") { Description = "Extra configuration for every silo (--silo-arg=--Section:Key=value), repeatable", AllowMultipleArgumentsPerToken = false };
RigSiloOptions RigSiloOptionsOf(ParseResult parse) => new()
{
    PerRegion = parse.GetValue(silos),
    Assembly = parse.GetValue(siloDll),
    Topology = parse.GetValue(topology),
    Route = parse.GetValue(route),
    FrontDoor = parse.GetValue(frontDoor),
    ExtraArguments = parse.GetValue(siloArg) ?? [],
};

var up = new Command("up", "Build the environment and wait for a healthy cluster (region A leading, region B its synchronous standby); with --silos, start the silos too") { silos, siloDll, topology, route, frontDoor, siloArg };
up.SetAction(async (parse, ct) =>
{
    var env = await RegionsEnvironment.UpAsync(Options(parse), Log, ct);
    if (parse.GetValue(silos) > 0)
    {
        await env.StartSilosAsync(RigSiloOptionsOf(parse), ct);
        foreach (var silo in env.Silos)
        {
            Console.WriteLine($"{silo.Name}: API {silo.Api} ({silo.ClusterId})");
        }
    }

    return 0;
});

var all = new Option<bool>("--all") { Description = "Remove every environment of this tool found on the machine (also after a crash)" };
var down = new Command("down", "Remove the environment: processes, namespaces, interfaces, rules, files") { all };
down.SetAction(async (parse, ct) =>
{
    if (parse.GetValue(all))
    {
        await RegionsEnvironment.DownAllAsync(Log);
    }
    else
    {
        await RegionsEnvironment.Open(Options(parse), Log).DownAsync();
    }

    return 0;
});

var status = new Command("status", "Show the members, their roles and lag, and whether the primary has a synchronous standby");
status.SetAction(async (parse, ct) =>
{
    var env = RegionsEnvironment.Open(Options(parse), Log);
    var cluster = await env.ClusterAsync();
    if (cluster is null)
    {
        Console.WriteLine("no Patroni member answers");
        return 1;
    }

    foreach (var m in cluster.Members)
    {
        Console.WriteLine($"{m.Name,-6} {m.Role,-13} {m.State,-10} timeline {m.Timeline?.ToString(CultureInfo.InvariantCulture) ?? "-"} lag {m.LagBytes?.ToString(CultureInfo.InvariantCulture) ?? "-"} bytes");
    }

    Console.WriteLine(cluster.SynchronousStandbys > 0
        ? "synchronous standbys: 1 (every acknowledged commit is on two copies)"
        : "synchronous standbys: 0 — EXPOSED: the primary acknowledges commits held by one copy only; only a manual failover could lose them (see docs/database-ha.md)");
    return cluster.IsHealthy ? 0 : 2;
});

var kind = new Argument<FaultKind>("fault") { Description = "KillRegionA, LoseRegionA, StopPrimaryPostgres, KillPrimaryPatroni, FreezePrimaryPostmaster, PartitionRegionA, PartitionRegionB, StopEtcdMember, KillSilo, FreezeSilo, PartitionSilos" };
var faultSilo = new Option<string>("--silo") { Description = "The silo KillSilo and FreezeSilo hit", DefaultValueFactory = _ => "silo-a0" };
var fault = new Command("fault", "Inject a fault") { kind, faultSilo };
fault.SetAction(async (parse, ct) =>
{
    var env = RegionsEnvironment.Open(Options(parse), Log);
    env.FaultedSilo = parse.GetValue(faultSilo)!;
    await env.InjectAsync(parse.GetValue(kind), ct);
    return 0;
});
var healKind = new Argument<FaultKind>("fault") { Description = "The fault to undo" };
var heal = new Command("heal", "Undo a fault") { healKind, faultSilo };
heal.SetAction(async (parse, ct) =>
{
    var env = RegionsEnvironment.Open(Options(parse), Log);
    env.FaultedSilo = parse.GetValue(faultSilo)!;
    await env.HealAsync(parse.GetValue(healKind), ct);
    return 0;
});

var candidate = new Argument<string>("region") { Description = "a or b" };
var switchover = new Command("switchover", "Planned switchover to a region") { candidate };
switchover.SetAction(async (parse, ct) =>
{
    await RegionsEnvironment.Open(Options(parse), Log).SwitchoverAsync(Region.Parse(parse.GetValue(candidate)!));
    return 0;
});

var port = new Option<int>("--port") { DefaultValueFactory = _ => DelayRelay.DefaultPort };
var delay = new Option<double>("--delay-ms") { DefaultValueFactory = _ => 10 };
var relay = new Command("relay", "Run the delay relay (inside a namespace; started by 'up')") { port, delay };
relay.SetAction(async (parse, ct) =>
{
    await new DelayRelay(parse.GetValue(port), TimeSpan.FromMilliseconds(parse.GetValue(delay))).RunAsync(ct);
    return 0;
});

var name = new Option<string>("--name") { Required = true };
var index = new Option<int>("--index") { Required = true };
var logPath = new Option<string>("--log") { Required = true };
var stopFile = new Option<string>("--stop-file") { Required = true };
var interval = new Option<double>("--interval-ms") { DefaultValueFactory = _ => 50 };
var maxSeconds = new Option<double>("--max-seconds") { DefaultValueFactory = _ => 600 };
var writer = new Command("writer", "Run a SQL writer that logs the fate of every commit (inside a namespace; started by drills)") { name, index, logPath, stopFile, interval, maxSeconds };
writer.SetAction(async (parse, ct) =>
{
    await SqlWriter.RunAsync(parse.GetValue(name)!, parse.GetValue(index), RegionsEnvironment.ConnectionString(), parse.GetValue(logPath)!,
        TimeSpan.FromMilliseconds(parse.GetValue(interval)), TimeSpan.FromSeconds(parse.GetValue(maxSeconds)), parse.GetValue(stopFile)!, ct);
    return 0;
});

var drillKind = new Argument<FaultKind>("fault");
var runs = new Option<int>("--runs") { DefaultValueFactory = _ => 1 };
var report = new Option<string?>("--report") { Description = "Write every run's report as JSON to this path" };
var drill = new Command("drill", "Build, write, inject, heal, check, remove; repeat --runs times and print medians") { drillKind, runs, report };
drill.SetAction(async (parse, ct) =>
{
    var reports = new List<DrillReport>();
    for (var i = 1; i <= parse.GetValue(runs); i++)
    {
        Log($"run {i} of {parse.GetValue(runs)}");
        reports.Add(await new Drill(Options(parse), Log).RunAsync(parse.GetValue(drillKind), ct));
        Console.WriteLine(JsonSerializer.Serialize(reports[^1], json));
    }

    if (parse.GetValue(report) is { } path)
    {
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(reports, json), ct);
    }

    Console.WriteLine(DrillSummary.Describe(reports));
    return reports.All(r => r.Passed) ? 0 : 1;
});

var targets = new Option<string>("--targets") { Description = "Front ends in order of preference: name=url,name=url...", Required = true };
var localTargets = new Option<int>("--local-targets") { DefaultValueFactory = _ => 1 };
var accountsPath = new Option<string>("--accounts") { Description = "File with one account id per line", Required = true };
var workers = new Option<int>("--workers") { DefaultValueFactory = _ => 4 };
var bankClient = new Command("bank-client", "Run a bank client that logs every transfer and read (inside a namespace; started by bank drills)")
    { name, targets, localTargets, accountsPath, logPath, stopFile, workers, maxSeconds };
bankClient.SetAction(async (parse, ct) =>
{
    var list = parse.GetValue(targets)!.Split(',').Select(t => t.Split('=', 2)).Select(p => (p[0], new Uri(p[1]))).ToList();
    var accounts = (await File.ReadAllLinesAsync(parse.GetValue(accountsPath)!, ct)).Where(l => l.Length > 0).Select(Guid.Parse).ToArray();
    using var client = new BankClient(parse.GetValue(name)!, list, accounts, parse.GetValue(logPath)!)
    {
        Workers = parse.GetValue(workers),
        LocalTargets = parse.GetValue(localTargets),
    };
    await client.RunAsync(parse.GetValue(stopFile)!, TimeSpan.FromSeconds(parse.GetValue(maxSeconds)), ct);
    return 0;
});

var bankKind = new Argument<FaultKind>("fault");
var plot = new Option<string?>("--plot") { Description = "Write the last run's timeline (PNG) here" };
var bankSilos = new Option<int>("--silos") { Description = "Silos per region", DefaultValueFactory = _ => 2 };
var quietHold = new Option<double>("--quiet-minutes") { Description = "How long fault None runs the workload with nothing injected (minutes)", DefaultValueFactory = _ => 10 };
var bankDrill = new Command("bank-drill", "Silos in both regions, the bank workload, one fault (None: a quiet run counting false failovers); check, RTO, timeline; repeat --runs times and print medians")
    { bankKind, runs, report, plot, bankSilos, siloDll, topology, route, frontDoor, siloArg, quietHold };
bankDrill.SetAction(async (parse, ct) =>
{
    var siloOptions = RigSiloOptionsOf(parse) with { PerRegion = parse.GetValue(bankSilos) };
    var reports = new List<BankDrillReport>();
    for (var i = 1; i <= parse.GetValue(runs); i++)
    {
        Log($"run {i} of {parse.GetValue(runs)}");
        reports.Add(await new BankDrill(Options(parse), siloOptions, Log) { KeepLogs = true, QuietHold = TimeSpan.FromMinutes(parse.GetValue(quietHold)) }.RunAsync(parse.GetValue(bankKind), parse.GetValue(plot), ct));
        Console.WriteLine(JsonSerializer.Serialize(reports[^1], json));
        if (parse.GetValue(report) is { } path)
        {
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(reports, json), ct);
        }
    }

    Console.WriteLine(BankDrillSummary.Describe(reports));
    return reports.All(r => r.Passed) ? 0 : 1;
});

foreach (var command in new[] { up, down, status, fault, heal, switchover, relay, writer, drill, bankClient, bankDrill })
{
    root.Subcommands.Add(command);
}

return await root.Parse(args).InvokeAsync();
