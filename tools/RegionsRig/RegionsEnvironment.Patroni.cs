using System.Globalization;
using System.Text;

namespace MultiCloud.RegionsRig;

/// <content>Patroni: configuration and processes.</content>
public sealed partial class RegionsEnvironment
{
    // PGCONNECT_TIMEOUT reaches libpq inside PostgreSQL too: Patroni writes primary_conninfo without connect_timeout,
    // so a standby's WAL receiver whose connection attempt gets no answer would otherwise wait without bound.
    private static readonly Dictionary<string, string> PostgresEnvironment = new(StringComparer.Ordinal)
    {
        ["HOME"] = "/var/lib/postgresql",
        ["PGCONNECT_TIMEOUT"] = "5",
    };

    /// <summary>The data directory of a region's PostgreSQL.</summary>
    public string DataDirectory(Region region) => Path.Combine(Options.Directory, $"pg-{region.Key}", "data");

    /// <summary>The Patroni configuration file of a region.</summary>
    public string PatroniConfig(Region region) => Path.Combine(Options.Directory, $"pg-{region.Key}", "patroni.yml");

    /// <summary>Starts (or restarts) Patroni in a region's namespace, as the postgres user.</summary>
    public void StartPatroni(Region region)
    {
        State.Pids[$"patroni-{region.Key}"] = Shell.StartDetached(Options.Namespace(region), "postgres", LogPath($"patroni-{region.Key}"),
            "/usr/bin/patroni", [PatroniConfig(region)], PostgresEnvironment);
        State.Save();
    }

    private async Task WritePatroniConfigsAsync()
    {
        await ChownAsync(Options.Directory);
        foreach (var region in Region.Databases)
        {
            var home = Path.Combine(Options.Directory, $"pg-{region.Key}");
            System.IO.Directory.CreateDirectory(Path.Combine(home, "sock"));
            // Each Patroni talks to its own region's etcd member and the witness's, never to the other region's:
            // with topology discovery (the default) it picked the lost region's member at random after region A
            // vanished and spent its loop on read timeouts there (1.3 s each) while the leader key expired. The two
            // members it lists are a quorum of the three, and either one alone still reaches the leader.
            var etcdHosts = string.Join(',', new[] { region, Region.Witness }.Select(r => $"{r.Address}:2379"));
            var yaml = new StringBuilder()
                .AppendLine(CultureInfo.InvariantCulture, $"scope: {Options.Scope}")
                .AppendLine(CultureInfo.InvariantCulture, $"name: {region.Member}")
                .AppendLine("restapi:")
                .AppendLine(CultureInfo.InvariantCulture, $"  listen: {region.Address}:8008")
                .AppendLine(CultureInfo.InvariantCulture, $"  connect_address: {region.Address}:8008")
                // The etcd v2 DCS: it updates the leader key with prevValue (compare-and-swap). The etcd3 DCS of
                // Patroni 3.0.2 can overwrite it after a partition heals and diverge the two copies.
                .AppendLine("etcd:")
                .AppendLine(CultureInfo.InvariantCulture, $"  hosts: {etcdHosts}")
                .AppendLine("  use_proxies: true")
                .AppendLine("bootstrap:")
                .AppendLine("  dcs:")
                .AppendLine(CultureInfo.InvariantCulture, $"    ttl: {Options.PatroniTtl}")
                .AppendLine(CultureInfo.InvariantCulture, $"    loop_wait: {Options.PatroniLoopWait}")
                .AppendLine(CultureInfo.InvariantCulture, $"    retry_timeout: {Options.PatroniRetryTimeout}")
                .AppendLine("    maximum_lag_on_failover: 1048576")
                .AppendLine("    synchronous_mode: true")
                .AppendLine(CultureInfo.InvariantCulture, $"    synchronous_mode_strict: {(Options.SynchronousModeStrict ? "true" : "false")}")
                .AppendLine("    postgresql:")
                .AppendLine("      use_pg_rewind: true")
                .AppendLine("      use_slots: true")
                .AppendLine("      parameters:")
                .AppendLine("        wal_log_hints: 'on'")
                .AppendLine("        max_wal_senders: 10")
                .AppendLine("        max_replication_slots: 10")
                .AppendLine("        wal_keep_size: 128MB")
                .AppendLine("        max_connections: 200")
                // Patroni keeps a standby synchronous while its member key lives and pg_stat_replication lists it.
                // With the 60 s defaults a cut-off standby stayed listed (its WAL sender waiting on a dead stream)
                // until its key expired, ~ttl of stalled commits; and after a heal Patroni re-assigned it at once
                // while its old stream was still dead, stalling commits again for 4-8 s until TCP gave up on it.
                .AppendLine("        wal_sender_timeout: 5s")
                .AppendLine("        wal_receiver_timeout: 5s")
                .AppendLine("  initdb:")
                .AppendLine("  - encoding: UTF8")
                .AppendLine("  - locale: C")
                .AppendLine("  pg_hba:")
                .AppendLine("  - host replication replicator 198.18.0.0/24 md5")
                .AppendLine("  - host replication replicator 127.0.0.1/32 md5")
                .AppendLine("  - host all all 198.18.0.0/24 md5")
                .AppendLine("  - host all all 127.0.0.1/32 md5")
                .AppendLine("  - local all all trust")
                .AppendLine("postgresql:")
                .AppendLine(CultureInfo.InvariantCulture, $"  listen: {region.Address},127.0.0.1:5432")
                .AppendLine(CultureInfo.InvariantCulture, $"  connect_address: {region.Address}:5432")
                .AppendLine(CultureInfo.InvariantCulture, $"  data_dir: {DataDirectory(region)}")
                .AppendLine(CultureInfo.InvariantCulture, $"  bin_dir: {PostgresBin}")
                .AppendLine(CultureInfo.InvariantCulture, $"  pgpass: {Path.Combine(home, "pgpass")}")
                .AppendLine("  authentication:")
                .AppendLine("    replication: {username: replicator, password: rep}")
                .AppendLine(CultureInfo.InvariantCulture, $"    superuser: {{username: postgres, password: {Password}}}")
                .AppendLine(CultureInfo.InvariantCulture, $"    rewind: {{username: postgres, password: {Password}}}")
                .AppendLine("  parameters:")
                // The region this server is in: the silos read it on the primary to place activations there.
                .AppendLine(CultureInfo.InvariantCulture, $"    ledger.region: '{region.Key}'")
                .AppendLine(CultureInfo.InvariantCulture, $"    unix_socket_directories: '{Path.Combine(home, "sock")}'")
                .AppendLine("watchdog:")
                .AppendLine("  mode: off");
            await File.WriteAllTextAsync(PatroniConfig(region), yaml.ToString());
            await ChownAsync(home);
        }
    }

    private static Task<string> ChownAsync(string path) => Shell.RunAsync("chown", ["-R", "postgres:postgres", path]);
}
