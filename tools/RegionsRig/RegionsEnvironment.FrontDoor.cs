using System.Globalization;
using System.Text;

namespace MultiCloud.RegionsRig;

/// <content>The front door: a proxy in front of each region's silos and a global entry that follows the writable region.</content>
public sealed partial class RegionsEnvironment
{
    /// <summary>The port of the regional proxies and of the global entry (each on its namespace's address).</summary>
    public const int FrontDoorPort = 8000;

    /// <summary>The one address clients use when the front door is a proxy: the global entry, in the witness namespace.</summary>
    public static Uri GlobalEntry { get; } = new($"http://{Region.Witness.Address}:{FrontDoorPort.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>
    /// Starts the front door (<see cref="FrontDoor.Proxy"/>): a regional proxy in each database region and the global
    /// entry in the witness; waits until the global entry answers <c>/health/primary-region</c> with 200 (region A's silos).
    /// </summary>
    /// <exception cref="TimeoutException">The global entry did not route to a writable region within 30 s.</exception>
    public async Task StartFrontDoorAsync(CancellationToken cancellationToken)
    {
        foreach (var region in Region.Databases)
        {
            StartRegionalProxy(region);
        }

        StartGlobalEntry();
        State.FrontDoor = FrontDoor.Proxy;
        State.Save();
        await WaitUntilAsync("the global entry to route to a writable region", TimeSpan.FromSeconds(30), async () =>
        {
            try
            {
                using var response = await FrontDoorHttp.GetAsync(new Uri(GlobalEntry, "/health/primary-region"), cancellationToken);
                return response.IsSuccessStatusCode;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, cancellationToken);
        _log($"up: front door at {GlobalEntry} (global entry in {Region.Witness.Name}, a proxy in each region)");
    }

    /// <summary>
    /// A region's proxy: HTTP, round robin over the region's silos that answer <c>/health/ready</c> (checked every
    /// <see cref="RigOptions.FrontDoorCheckInterval"/>, down after 2 misses, up after 1 answer); a request whose
    /// connection failed is sent to another silo (nothing was sent, so nothing can be applied twice).
    /// </summary>
    public void StartRegionalProxy(Region region) => StartProxy($"front-{region.Key}", region, RegionalProxyConfig(region));

    /// <summary>The configuration of <paramref name="region"/>'s proxy (see <see cref="StartRegionalProxy"/>).</summary>
    public string RegionalProxyConfig(Region region)
    {
        var config = Defaults()
            .AppendLine("frontend api")
            .AppendLine(CultureInfo.InvariantCulture, $"    bind {region.Address}:{FrontDoorPort}")
            .AppendLine("    default_backend silos")
            .AppendLine("backend silos")
            .AppendLine("    balance roundrobin")
            .AppendLine("    option httpchk GET /health/ready")
            .AppendLine("    http-check expect status 200")
            .AppendLine(CheckLine());
        foreach (var silo in SilosIn(region))
        {
            config.AppendLine(CultureInfo.InvariantCulture, $"    server {silo.Name} {region.Address}:{silo.HttpPort} check");
        }

        return config.ToString();
    }

    /// <summary>
    /// The global entry, in the witness namespace (outside both regions, as a global load balancer is): sends every
    /// request to the region holding the primary when its silos say so (<c>/health/primary-region</c>), and otherwise
    /// to any region whose silos can write (<c>/health/writable</c>: in one cluster spanning the regions, silos of the
    /// other region serve too, e.g. when the primary's region lost its silos but not its database). Checked every
    /// <see cref="RigOptions.FrontDoorCheckInterval"/>; a region marked down has its open connections closed. While no
    /// region can write it answers 503 at once.
    /// </summary>
    public void StartGlobalEntry() => StartProxy("front-global", Region.Witness, GlobalEntryConfig());

    /// <summary>The global entry's configuration (see <see cref="StartGlobalEntry"/>).</summary>
    public string GlobalEntryConfig()
    {
        var config = Defaults()
            .AppendLine("frontend api")
            .AppendLine(CultureInfo.InvariantCulture, $"    bind {Region.Witness.Address}:{FrontDoorPort}")
            .AppendLine("    use_backend primary_region if { nbsrv(primary_region) gt 0 }")
            .AppendLine("    default_backend writable");
        foreach (var (backend, path) in new[] { ("primary_region", "/health/primary-region"), ("writable", "/health/writable") })
        {
            config
                .AppendLine(CultureInfo.InvariantCulture, $"backend {backend}")
                .AppendLine("    balance first")
                .AppendLine(CultureInfo.InvariantCulture, $"    option httpchk GET {path}")
                .AppendLine("    http-check expect status 200")
                .AppendLine(CheckLine() + " on-marked-down shutdown-sessions");
            foreach (var region in Region.Databases)
            {
                config.AppendLine(CultureInfo.InvariantCulture, $"    server {region.Name} {region.Address}:{FrontDoorPort} check");
            }
        }

        return config.ToString();
    }

    /// <summary>
    /// Which region holds the primary according to the global entry, read from the <c>/health/primary-region</c>
    /// answer it proxies to the region it prefers (a silo of that region describes itself): <c>region-a</c>,
    /// <c>region-b</c>, or <c>none (...)</c> when it answers anything but 200.
    /// </summary>
    public static async Task<string> FrontDoorRegionAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await FrontDoorHttp.GetAsync(new Uri(GlobalEntry, "/health/primary-region"), cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return $"none ({(int)response.StatusCode})";
            }

            var match = System.Text.RegularExpressions.Regex.Match(body, @"in this region \(([a-z0-9-]+)\)");
            return match.Success ? Region.Parse(match.Groups[1].Value).Name : $"none (200 without a region: {body})";
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return $"none ({exception.GetType().Name})";
        }
    }

    /// <summary>Waits until the global entry sends requests to <paramref name="region"/>.</summary>
    /// <exception cref="TimeoutException">It did not within <paramref name="timeout"/>.</exception>
    public Task WaitUntilFrontDoorRoutesToAsync(Region region, TimeSpan timeout, CancellationToken cancellationToken)
        => WaitUntilAsync($"the front door to route to {region.Name}", timeout, async () => await FrontDoorRegionAsync(cancellationToken) == region.Name, cancellationToken);

    private static readonly HttpClient FrontDoorHttp = new(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(1) })
    {
        Timeout = TimeSpan.FromSeconds(2),
    };

    private StringBuilder Defaults() => new StringBuilder()
        .AppendLine("global")
        .AppendLine("    maxconn 2000")
        .AppendLine("defaults")
        .AppendLine("    mode http")
        .AppendLine("    timeout connect 1s")
        // The clients bound each attempt (4 s); the silos answer within Api:AnswerTimeout (3 s).
        .AppendLine("    timeout client 30s")
        .AppendLine("    timeout server 30s")
        .AppendLine(CultureInfo.InvariantCulture, $"    timeout check {(int)Options.FrontDoorCheckInterval.TotalMilliseconds}ms")
        .AppendLine("    option http-server-close")
        .AppendLine("    retries 2")
        .AppendLine("    retry-on conn-failure")
        .AppendLine("    option redispatch");

    private string CheckLine()
    {
        var inter = (int)Options.FrontDoorCheckInterval.TotalMilliseconds;
        return $"    default-server inter {inter}ms fastinter {inter}ms downinter {inter}ms fall 2 rise 1";
    }

    private void StartProxy(string name, Region region, string config)
    {
        var path = Path.Combine(Options.Directory, $"haproxy-{name}.cfg");
        File.WriteAllText(path, config);
        State.Pids[$"haproxy-{name}"] = Shell.StartDetached(Options.Namespace(region), null, LogPath($"haproxy-{name}"),
            "/usr/sbin/haproxy", ["-db", "-f", path]);
        State.Save();
    }
}
