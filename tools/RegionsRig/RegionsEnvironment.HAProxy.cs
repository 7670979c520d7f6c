using System.Globalization;
using System.Text;
using Npgsql;

namespace MultiCloud.RegionsRig;

/// <content>HAProxy in each database region: the silos' route to the primary that Patroni names.</content>
public sealed partial class RegionsEnvironment
{
    /// <summary>The port HAProxy listens on, in each database region, for connections to the primary.</summary>
    public const int PrimaryPort = 5000;

    /// <summary>The HAProxy configuration file of a region.</summary>
    public string HAProxyConfig(Region region) => Path.Combine(Options.Directory, $"haproxy-{region.Key}.cfg");

    /// <summary>
    /// Writes a region's HAProxy configuration and starts (or restarts) it in the region's namespace, in the
    /// foreground (<c>-db</c>) so that its pid is the one recorded. Every <see cref="RigOptions.HAProxyCheckInterval"/>
    /// it asks each server's Patroni <c>GET /primary</c> (200 only on the running leader); a server is marked down after
    /// two failed checks and up after one good one, and marking it down closes its sessions, so that no silo keeps
    /// writing to a PostgreSQL that Patroni no longer calls primary.
    /// </summary>
    public void StartHAProxy(Region region)
    {
        var inter = (int)Options.HAProxyCheckInterval.TotalMilliseconds;
        var config = new StringBuilder()
            .AppendLine("global")
            .AppendLine("    maxconn 1000")
            .AppendLine("defaults")
            .AppendLine("    mode tcp")
            .AppendLine("    timeout connect 2s")
            // Pooled connections idle for minutes: HAProxy must not close them; TCP keepalive finds dead peers.
            .AppendLine("    timeout client 1h")
            .AppendLine("    timeout server 1h")
            .AppendLine("    timeout check 1s")
            .AppendLine("    option clitcpka")
            .AppendLine("    option srvtcpka")
            .AppendLine("listen primary")
            .AppendLine(CultureInfo.InvariantCulture, $"    bind {region.Address}:{PrimaryPort}")
            .AppendLine("    option httpchk GET /primary")
            .AppendLine("    http-check expect status 200")
            .AppendLine(CultureInfo.InvariantCulture, $"    default-server inter {inter}ms fastinter {inter}ms downinter {inter}ms fall 2 rise 1 on-marked-down shutdown-sessions")
            .AppendLine("    balance first");
        foreach (var server in Region.Databases)
        {
            config.AppendLine(CultureInfo.InvariantCulture, $"    server {server.Member} {server.Address}:5432 maxconn 400 check port 8008");
        }

        File.WriteAllText(HAProxyConfig(region), config.ToString());
        State.Pids[$"haproxy-{region.Key}"] = Shell.StartDetached(Options.Namespace(region), null, LogPath($"haproxy-{region.Key}"),
            "/usr/sbin/haproxy", ["-db", "-f", HAProxyConfig(region)]);
        State.Save();
    }

    /// <summary>Waits until a region's HAProxy routes a connection to the leading primary (a read-write server).</summary>
    /// <exception cref="TimeoutException">It did not in time.</exception>
    public Task WaitForHAProxyAsync(Region region, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitUntilAsync($"{region.Name}'s HAProxy to route to the primary", timeout, async () =>
        {
            try
            {
                await using var connection = new NpgsqlConnection(
                    $"Host={region.Address};Port={PrimaryPort};Username=postgres;Password={Password};Database=postgres;Timeout=2;Command Timeout=2;Pooling=false");
                await connection.OpenAsync(cancellationToken);
                await using var command = new NpgsqlCommand("SELECT NOT pg_is_in_recovery()", connection);
                return await command.ExecuteScalarAsync(cancellationToken) is true;
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                return false;
            }
        }, cancellationToken);
}
