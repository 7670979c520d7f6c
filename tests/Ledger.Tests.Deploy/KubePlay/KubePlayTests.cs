using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MultiCloud.Tests.Chart;
using MultiCloud.Tests.Image;
using MultiCloud.Tests.Infrastructure;
using Npgsql;
using Xunit;

namespace MultiCloud.Tests.KubePlay;

/// <summary>
/// The chart's own pods run: region a's release, rendered by the real helm, goes through the transformations podman
/// 4.3's <c>kube play</c> needs (<see cref="KubePlayTransformations"/>, each listed and tested to change nothing else)
/// and runs next to a PostgreSQL pod on an internal podman network of its own (a free 198.19.x.0/24: no default route,
/// no NAT out of the host). The migration Job's pod runs first and must exit 0 (a pod that fails is replaced, at most
/// the Job's backoffLimit times, as the Job controller does); then one kube play of the rest of the
/// release starts two silo pods, which must run with the chart's securityContext, form one cluster in the membership
/// table and serve the API: two accounts
/// opened, a deposit and a transfer through silo 1, the transfer and both balances read back through silo 2. Then every
/// pod, container, volume, Secret and network of the run (and podman's pause image, if the run made it) is removed and
/// <c>net.ipv4.ip_forward</c> and the NETAVARK chains put back, pass or fail; on a pass the test checks that nothing is
/// left.
/// <para>
/// Values the test sets on top of region a's file, because they must differ here: the image (<c>image.repository</c>
/// and <c>image.digest</c> of the image scripts/image built, <c>image.pullPolicy: Never</c>: no registry), the database
/// host (the PostgreSQL pod's address: no Service DNS under podman) and the Secret's name (one per run). The release
/// name is the run's prefix, so that every pod and volume name carries it.
/// </para>
/// <para>
/// The API is reached on the pods' addresses on the network's bridge, not on a loopback port: podman 4.3 (netavark 1.4)
/// sets up no port forwarding on an internal network (conmon holds the host port and nothing answers), and a network
/// that is not internal gives the pods a default route and NAT out of the host, which the project's network rules
/// forbid. The bridge and its 198.19.x.1 live in the root namespace, and each address's route is checked to go through
/// that bridge before the first packet (never out of the machine), as in <see cref="ImageRunTests"/>.
/// </para>
/// </summary>
public sealed class KubePlayTests
{
    private static readonly TimeSpan PostgresWithin = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan MigrationWithin = TimeSpan.FromSeconds(120);

    /// <summary>What every wait together may take: the rest of the test's timeout is left for the removal.</summary>
    private static readonly TimeSpan WaitsWithin = TimeSpan.FromMilliseconds(TestTimeouts.Processes) - TimeSpan.FromSeconds(60);

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task The_charts_own_pods_migrate_form_one_cluster_and_serve_a_transfer_read_back_through_the_other_silo()
    {
        await Podman.RequireImageAsync();
        await PostgresPod.RequireImageAsync();
        var run = await KubePlayRun.StartAsync();
        IReadOnlyList<string> notRemoved;
        try
        {
            await RunTheReleaseAsync(run);
        }
        finally
        {
            notRemoved = await run.RemoveAllAsync();
        }

        Assert.Empty(notRemoved);
        Assert.Empty(await run.LeftoversAsync());
    }

    private static async Task RunTheReleaseAsync(KubePlayRun run)
    {
        var clock = Stopwatch.StartNew();
        void Say(string what) => TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalSeconds:F1} s] {what}"));
        TimeSpan Within(TimeSpan wait) => wait < WaitsWithin - clock.Elapsed ? wait : WaitsWithin - clock.Elapsed;

        await run.CreateNetworkAsync();
        var postgresAddress = $"{run.Subnet}.2";
        var migrationAddress = $"{run.Subnet}.3";
        string[] siloAddresses = [$"{run.Subnet}.11", $"{run.Subnet}.12"];
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var secret = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["credentials"] = $"Username={PostgresPod.Database};Password={password}",
            [PostgresPod.PasswordKey] = password,
        };
        await run.CreateSecretAsync(secret);

        var postgresPod = $"{run.Prefix}-postgres";
        await run.PlayAsync("postgres.yaml", [PostgresPod.Manifest(postgresPod, run.SecretName)], postgresAddress);
        await PodmanNetwork.AssertRoutedThroughBridgeAsync(postgresAddress, run.Network);
        var database = PostgresPod.ConnectionString(postgresAddress, password);
        await PostgresPod.WaitUntilAcceptingAsync(database, $"{postgresPod}-postgres", Within(PostgresWithin));
        Say($"PostgreSQL takes connections at {postgresAddress}:{PostgresPod.Port}");

        var rendered = Manifests.Parse(await Helm.TemplateAsync(run.Prefix, RegionRelease.A, await ValuesAsync(postgresAddress, run.SecretName)));
        var release = KubePlayRelease.From(rendered, siloAddresses, (name, key) => name == run.SecretName ? secret.GetValueOrDefault(key) : null);

        await MigrateAsync(run, release, migrationAddress, Say, Within);

        await run.PlayAsync("silos.yaml", release.SiloPlay, siloAddresses);
        var silos = release.Silos.Select(KubePlayTransformations.PodName).ToList();
        var port = HttpPort(release.Silos[0]);
        var clients = new List<LedgerApiClient>();
        try
        {
            for (var i = 0; i < silos.Count; i++)
            {
                var container = $"{silos[i]}-{ContainerName(release.Silos[i])}";
                Assert.Equal(siloAddresses[i], await PodmanNetwork.AddressOfAsync(container, run.Network));
                await SecurityContextIsAppliedAsync(container, release.Silos[i]);
                clients.Add(new LedgerApiClient(siloAddresses[i], port));
                await SiloReadiness.WaitUntilReadyAsync(clients[i].Http, container, Within(StartupBudget(release.Silos[i])), restartedOnExit: true);
                Say($"{silos[i]} ready at {siloAddresses[i]}:{port}{await RestartsAsync(container)}");
            }

            await SchemaIsAppliedAsync(database);
            await OneClusterOfTwoActiveSilosAsync(database, release.Silos[0], silos, siloAddresses);
            Say("schema applied; two Active silos of one cluster in the membership table");
            await TransferThroughOneSiloReadBackThroughTheOtherAsync(clients[0], clients[1]);
            Say("transfer through silo 1 read back through silo 2");
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    /// <summary>The <c>--set</c> values that must differ from region a's file here (see the class's summary).</summary>
    private static async Task<string[]> ValuesAsync(string postgresAddress, string secretName)
    {
        var image = Podman.Image;
        var repository = image.Contains('@', StringComparison.Ordinal)
            ? image[..image.IndexOf('@', StringComparison.Ordinal)]
            : image.LastIndexOf(':') > image.LastIndexOf('/') ? image[..image.LastIndexOf(':')] : image;
        var digest = (await Podman.RunAsync("image", "inspect", "--format", "{{.Digest}}", image)).Trim();
        return
        [
            $"image.repository={repository}", $"image.digest={digest}", "image.pullPolicy=Never",
            $"database.host={postgresAddress}", $"database.secretName={secretName}",
        ];
    }

    private static string ContainerName(JsonObject workload) => (string)workload.PodSpec().Containers().Single()["name"]!;

    /// <summary>
    /// How long the kubelet would let the silo start before it restarts it: the startup probe's period × failure
    /// threshold (120 s with the chart's defaults). Meanwhile a silo that exits is started again by its restart policy
    /// (podman's, from the Deployment's pod template), as the kubelet would.
    /// </summary>
    private static TimeSpan StartupBudget(JsonObject silo)
    {
        var probe = silo.PodSpec().Containers().Single()["startupProbe"]!;
        return TimeSpan.FromSeconds((int)probe["periodSeconds"]! * (int)probe["failureThreshold"]!);
    }

    /// <summary>How often the container was restarted before it was ready, and why (the exits' unhandled exceptions).</summary>
    private static async Task<string> RestartsAsync(string container)
    {
        var restarts = (await Podman.RunAsync("inspect", "--format", "{{.RestartCount}}", container)).Trim();
        var reasons = (await Podman.RunAsync("logs", container)).Split('\n')
            .Where(line => line.StartsWith("Unhandled exception", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal);
        return restarts == "0" ? "" : $" after {restarts} restarts: {string.Join(" | ", reasons)}";
    }

    /// <summary>
    /// The chart's container securityContext reached the container through kube play: its user and group, a read-only
    /// root filesystem, no capabilities left.
    /// </summary>
    private static async Task SecurityContextIsAppliedAsync(string container, JsonObject silo)
    {
        var context = silo.PodSpec().Containers().Single()["securityContext"]!;
        Assert.Equal(("ALL", true), ((string?)context["capabilities"]!["drop"]![0], (bool)context["readOnlyRootFilesystem"]!));
        var expected = $"{context["runAsUser"]}:{context["runAsGroup"]} true 0";
        Assert.Equal(expected, (await Podman.RunAsync("inspect", "--format", "{{.Config.User}} {{.HostConfig.ReadonlyRootfs}} {{len .EffectiveCaps}}", container)).Trim());
    }

    /// <summary>The literal value of an environment variable of the workload's one container.</summary>
    private static string EnvValue(JsonObject workload, string name)
        => (string)workload.PodSpec().Containers().Single()["env"]!.AsArray().Single(e => (string?)e!["name"] == name)!["value"]!;

    /// <summary>The port in the silo container's <c>Urls</c> (<c>http://0.0.0.0:PORT</c>).</summary>
    private static int HttpPort(JsonObject silo) => new Uri(EnvValue(silo, "Urls").Replace("0.0.0.0", "localhost", StringComparison.Ordinal)).Port;

    /// <summary>
    /// Plays the migration pod and waits for it to exit 0 before anything else starts. A pod that exits otherwise is
    /// replaced by a new one (the failed pod removed first, its logs in the test's output), at most the Job's
    /// backoffLimit times, as the Job controller does; then the test fails with the last pod's logs.
    /// </summary>
    private static async Task MigrateAsync(KubePlayRun run, KubePlayRelease release, string address, Action<string> say, Func<TimeSpan, TimeSpan> within)
    {
        var pod = KubePlayTransformations.PodName(release.Migration);
        var container = $"{pod}-{ContainerName(release.Migration)}";
        for (var failures = 0; ; failures++)
        {
            await run.PlayAsync("migration.yaml", [release.Migration], address);
            var (exitCode, logs) = await WaitForExitAsync(container, within(MigrationWithin));
            if (exitCode == "0")
            {
                say($"{container} exited 0 ({failures} failed pods before)");
                return;
            }

            say($"{container} exited {exitCode}:\n{logs}");
            Assert.True(failures < release.MigrationBackoffLimit, $"the migration failed {failures + 1} times (backoffLimit {release.MigrationBackoffLimit}); last exit {exitCode}:\n{logs}");
            await Podman.RunAsync("pod", "rm", "--force", "--time", "0", pod);
        }
    }

    /// <summary>The container's exit code and logs once it exited; fails if it runs longer than <paramref name="within"/>.</summary>
    private static async Task<(string ExitCode, string Logs)> WaitForExitAsync(string container, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            var state = (await Podman.RunAsync("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", container)).Trim().Split(' ');
            if (state[0] == "exited")
            {
                return (state[1], await Podman.RunAsync("logs", container));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), TestContext.Current.CancellationToken);
        }

        Assert.Fail($"{container} did not exit within {within.TotalSeconds} s:\n{await Podman.RunAsync("logs", container)}");
        return default;
    }

    /// <summary>Every script of db-scripts/ recorded as applied, and the ledger's and Orleans's tables there.</summary>
    private static async Task SchemaIsAppliedAsync(string database)
    {
        var scripts = Directory.GetFiles(Path.Combine(DeployTools.RepositoryRoot, "db-scripts"), "*.sql").Length;
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT (SELECT count(*) FROM multicloud_schema_versions),
                   to_regclass('ledger.transfers') IS NOT NULL AND to_regclass('ledger.accounts') IS NOT NULL
                   AND to_regclass('public.orleansmembershiptable') IS NOT NULL
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        Assert.True(await reader.ReadAsync(TestContext.Current.CancellationToken));
        Assert.True(scripts > 0, "no db-scripts/*.sql found");
        Assert.Equal(scripts, reader.GetInt64(0));
        Assert.True(reader.GetBoolean(1), "the ledger's or Orleans's tables are missing");
    }

    /// <summary>
    /// Exactly two membership rows, both Active (Orleans's status 3), of the chart's cluster id, named as their pods
    /// (downward API <c>metadata.name</c>), advertising the addresses the pods have (the <c>status.podIP</c> stand-in)
    /// on the chart's silo port.
    /// </summary>
    private static async Task OneClusterOfTwoActiveSilosAsync(string database, JsonObject silo, IReadOnlyList<string> silos, IReadOnlyList<string> addresses)
    {
        var cluster = EnvValue(silo, "Cluster__ClusterId");
        var siloPort = int.Parse(EnvValue(silo, "Cluster__SiloPort"), CultureInfo.InvariantCulture);
        const int Active = 3;
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT deploymentid, siloname, address, port, status FROM orleansmembershiptable ORDER BY siloname", connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<(string Cluster, string Silo, string Address, int Port, int Status)>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4)));
        }

        var expected = silos.Zip(addresses, (name, address) => (cluster, name, address, siloPort, Active)).OrderBy(r => r.name, StringComparer.Ordinal);
        Assert.Equal(expected, rows);
    }

    private static async Task TransferThroughOneSiloReadBackThroughTheOtherAsync(LedgerApiClient silo1, LedgerApiClient silo2)
    {
        var run = Guid.NewGuid().ToString("N");
        var ada = (await silo1.PostAsync("/accounts", new { owner = "Ada", currency = "EUR" }, $"kube-open-ada-{run}", HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var grace = (await silo1.PostAsync("/accounts", new { owner = "Grace", currency = "EUR" }, $"kube-open-grace-{run}", HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await silo1.PostAsync($"/accounts/{ada}/deposits", new { amount = 10_000 }, $"kube-deposit-{run}", HttpStatusCode.OK);
        var transferKey = $"kube-transfer-{run}";
        var created = await silo1.PostAsync("/transfers", new { fromAccountId = ada, toAccountId = grace, amount = 2_500 }, transferKey, HttpStatusCode.Created);
        var transfer = created.GetProperty("id").GetGuid();

        var read = await silo2.GetAsync($"/transfers/{transfer}");
        Assert.Equal("completed", read.GetProperty("status").GetString());
        Assert.Equal(ada, read.GetProperty("fromAccountId").GetGuid());
        Assert.Equal(grace, read.GetProperty("toAccountId").GetGuid());
        Assert.Equal(2_500, read.GetProperty("amount").GetInt64());
        Assert.Equal(transfer, (await silo2.GetAsync($"/transfers?idempotencyKey={transferKey}")).GetProperty("id").GetGuid());
        Assert.Equal(7_500, (await silo2.GetAsync($"/accounts/{ada}")).GetProperty("balance").GetInt64());
        Assert.Equal(2_500, (await silo2.GetAsync($"/accounts/{grace}")).GetProperty("balance").GetInt64());
    }
}
