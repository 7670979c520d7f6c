using Microsoft.Extensions.Configuration;
using MultiCloud.RegionsRig;
using MultiCloud.ServiceDefaults;
using MultiCloud.Tests.Infrastructure;
using Npgsql;
using Xunit;

namespace MultiCloud.Tests.Configuration;

/// <summary>
/// The two-region rig (tools/RegionsRig) runs what ships: each of its silos gets the shipped two-region profile and
/// overrides only addresses, names and the password. Compared key by key: the configuration a rig silo runs with, and
/// the configuration of the profile alone, differ only in those keys.
/// </summary>
public sealed class RigProfileTests
{
    /// <summary>What the rig may set: where a silo listens and what it is called, where the database is and who logs in.</summary>
    private static readonly HashSet<string> AddressesAndNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "urls",
        "Cluster:ClusterId",
        "Cluster:ServiceId",
        "Cluster:SiloPort",
        "Cluster:GatewayPort",
        "Cluster:AdvertisedAddress",
        "Cluster:SiloName",
        "Regions:Region",
        "Database:ConnectionString",
    };

    /// <summary>Connection-string keys that are addresses, names or credentials (everything else is the profile's).</summary>
    private static readonly HashSet<string> ConnectionAddressesAndNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Port", "Username", "Password", "Database",
    };

    [Theory(Timeout = TestTimeouts.Unit)]
    [InlineData("a", 0, ClusterTopology.OneCluster, PrimaryRoute.HAProxy)]
    [InlineData("b", 1, ClusterTopology.OneCluster, PrimaryRoute.HAProxy)]
    [InlineData("b", 1, ClusterTopology.OneCluster, PrimaryRoute.MultiHost)]
    [InlineData("a", 1, ClusterTopology.ClusterPerRegion, PrimaryRoute.HAProxy)]
    public Task A_rig_silo_runs_the_two_region_profile_and_overrides_only_addresses_and_names(string region, int index, ClusterTopology topology, PrimaryRoute route)
    {
        var silo = new SiloSpec(region, index, "mcr-ledger");
        var arguments = RigSiloOptions.Arguments(silo, topology, route, []);

        // The rig's configuration comes from its arguments alone: they must select the profile themselves.
        var rig = Flatten(ProfileTests.FromArguments(arguments));
        var profile = Flatten(ProfileTests.Effective(DeploymentProfile.TwoRegion, []));

        var differing = rig.Keys.Union(profile.Keys, StringComparer.OrdinalIgnoreCase)
            .Where(key => !string.Equals(rig.GetValueOrDefault(key), profile.GetValueOrDefault(key), StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Contains($"--{DeploymentProfile.Key}={DeploymentProfile.TwoRegion}", arguments);
        Assert.Equal(DeploymentProfile.TwoRegion, rig[DeploymentProfile.Key]);
        Assert.Contains("Regions:Region", differing, StringComparer.OrdinalIgnoreCase);

        // One cluster per region (a topology experiment of docs/failover.md, not the default) adds exactly one behaviour.
        // Multi-host (a route experiment, not the default) adds the driver's primary search.
        var allowed = new HashSet<string>(AddressesAndNames, StringComparer.OrdinalIgnoreCase);
        if (topology == ClusterTopology.ClusterPerRegion)
        {
            allowed.Add("Regions:ServeOnlyInPrimaryRegion");
        }

        if (route == PrimaryRoute.MultiHost)
        {
            allowed.UnionWith(["Database:Connection:TargetSessionAttributes", "Database:Connection:HostRecheck"]);
        }

        Assert.All(differing, key => Assert.Contains(key, allowed));
        Assert.Equal(topology == ClusterTopology.ClusterPerRegion, differing.Contains("Regions:ServeOnlyInPrimaryRegion", StringComparer.OrdinalIgnoreCase));

        var connection = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = rig["Database:ConnectionString"] };
        Assert.All(connection.Keys.Cast<string>(), key => Assert.Contains(key, ConnectionAddressesAndNames));
        var npgsql = new NpgsqlConnectionStringBuilder(rig["Database:ConnectionString"]);
        Assert.StartsWith(silo.Region.Address.ToString(), npgsql.Host, StringComparison.Ordinal);
        // Through HAProxy: its own region's, one host; multi-host: both regions' servers, its own first.
        Assert.Equal(route == PrimaryRoute.HAProxy ? (1, RegionsEnvironment.PrimaryPort) : (2, 5432), (npgsql.Host!.Split(',').Length, npgsql.Port));
        return Task.CompletedTask;
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task The_rig_sets_only_runtime_settings_of_its_shared_machine_in_a_silo_environment()
    {
        // Four silos, three etcd members, two PostgreSQL servers and the clients share two cores: the GC mode is the
        // machine's business, not the service's configuration. Nothing in the environment reaches the service's keys.
        Assert.Equal(
            ["DOTNET_ENVIRONMENT", "DOTNET_gcConcurrent", "DOTNET_gcServer", "HOME"],
            RegionsEnvironment.SiloEnvironment.Keys.Order(StringComparer.Ordinal));
        Assert.False(File.Exists(Path.Combine(AppContext.BaseDirectory, $"appsettings.{RegionsEnvironment.SiloEnvironment["DOTNET_ENVIRONMENT"]}.json")));
        return Task.CompletedTask;
    }

    private static Dictionary<string, string?> Flatten(IConfiguration configuration)
        => configuration.AsEnumerable().Where(pair => pair.Value is not null).ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.OrdinalIgnoreCase);
}
