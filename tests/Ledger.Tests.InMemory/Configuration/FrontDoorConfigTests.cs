using System.Net;
using System.Text.RegularExpressions;
using MultiCloud.RegionsRig;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Configuration;

/// <summary>
/// The rig's front door (tools/RegionsRig, <c>FrontDoor.Proxy</c>) asks the silos what they really serve: every health
/// check in the two HAProxy configurations names a path that a silo answers 200 on, and each proxy lists exactly its
/// servers (the global entry both regions' proxies in each of its two backends, a regional proxy its own region's
/// silos). The proxies themselves
/// run in the failover drills (<c>BankFaultTests</c>).
/// </summary>
/// <param name="fixture">An in-memory silo host (the same endpoints as every silo).</param>
public sealed partial class FrontDoorConfigTests(ApiHostFixture fixture) : IClassFixture<ApiHostFixture>
{
    [Fact(Timeout = TestTimeouts.Host)]
    public async Task The_front_doors_checks_ask_paths_a_silo_serves_and_each_proxy_lists_its_own_servers()
    {
        var directory = Directory.CreateTempSubdirectory("multicloud-frontdoor-");
        try
        {
            var state = new RegionsState { Prefix = "fdt", Directory = directory.FullName };
            state.Silos.AddRange([new SiloSpec("a", 0, "fdt-ledger"), new SiloSpec("a", 1, "fdt-ledger"), new SiloSpec("b", 0, "fdt-ledger"), new SiloSpec("b", 1, "fdt-ledger")]);
            state.Save();
            var env = RegionsEnvironment.Open(new RigOptions { Prefix = "fdt", WorkDirectory = directory.FullName }, _ => { });

            var global = env.GlobalEntryConfig();
            var regionA = env.RegionalProxyConfig(Region.A);
            var regionB = env.RegionalProxyConfig(Region.B);

            var checks = CheckPath().Matches(global + regionA + regionB).Select(m => m.Groups[1].Value).Distinct().Order(StringComparer.Ordinal).ToList();
            Assert.Equal(["/health/primary-region", "/health/ready", "/health/writable"], checks);
            Assert.Contains("use_backend primary_region if { nbsrv(primary_region) gt 0 }", global, StringComparison.Ordinal);
            Assert.Contains("default_backend writable", global, StringComparison.Ordinal);
            foreach (var path in checks)
            {
                using var answer = await fixture.Host.Client.GetAsync(path, TestContext.Current.CancellationToken);
                Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{path} answered {answer.StatusCode}");
            }

            Assert.Contains($"bind {Region.Witness.Address}:{RegionsEnvironment.FrontDoorPort}", global, StringComparison.Ordinal);
            // Both backends (the primary's region first, any writable one otherwise) list both regions' proxies.
            Assert.Equal(["region-a 198.18.0.11:8000", "region-b 198.18.0.12:8000", "region-a 198.18.0.11:8000", "region-b 198.18.0.12:8000"], Servers(global));
            Assert.Contains("on-marked-down shutdown-sessions", global, StringComparison.Ordinal);
            Assert.Equal(["silo-a0 198.18.0.11:8080", "silo-a1 198.18.0.11:8081"], Servers(regionA));
            Assert.Equal(["silo-b0 198.18.0.12:8080", "silo-b1 198.18.0.12:8081"], Servers(regionB));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static List<string> Servers(string config) => [.. ServerLine().Matches(config).Select(m => m.Groups[1].Value)];

    [GeneratedRegex(@"option httpchk GET (\S+)")]
    private static partial Regex CheckPath();

    [GeneratedRegex(@"^\s*server (\S+ \S+) check", RegexOptions.Multiline)]
    private static partial Regex ServerLine();
}
