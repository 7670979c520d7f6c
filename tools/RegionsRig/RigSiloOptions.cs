using System.Globalization;

namespace MultiCloud.RegionsRig;

/// <summary>
/// The Orleans silos of the environment: how many per region, which build, one cluster or one per region. Every silo
/// runs the shipped <c>two-region</c> profile (src/ServiceDefaults/Profiles/two-region.json: the settings on the failover
/// path, docs/configuration.md); the rig adds only addresses, names and the password (<see cref="Arguments"/>).
/// </summary>
public sealed record RigSiloOptions
{
    /// <summary>The profile every silo of the environment runs.</summary>
    public const string Profile = "two-region";

    /// <summary>Silos per region (0: database only). Each runs the HTTP API inside it.</summary>
    public int PerRegion { get; init; }

    /// <summary>Path of MultiCloud.Silo.dll (a Release build of src/Silo).</summary>
    public string? Assembly { get; init; }

    /// <summary>The topology: one cluster spanning both regions, or one cluster per region.</summary>
    public ClusterTopology Topology { get; init; } = ClusterTopology.OneCluster;

    /// <summary>How the silos reach the primary. Default <see cref="PrimaryRoute.HAProxy"/>, the two-region profile's way.</summary>
    public PrimaryRoute Route { get; init; } = PrimaryRoute.HAProxy;

    /// <summary>
    /// How clients reach the API. Default <see cref="FrontDoor.Proxy"/>: one global entry that follows the writable
    /// region, started with the silos.
    /// </summary>
    public FrontDoor FrontDoor { get; init; } = FrontDoor.Proxy;

    /// <summary>
    /// More configuration arguments for every silo (<c>--Section:Key=value</c>), after the profile and the rig's own
    /// (so they win): for experiments only; the drills of docs/failover.md run without any.
    /// </summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>
    /// A silo's database connection string: addresses, names and the password only (the driver's timeouts come from the
    /// profile's <c>Database:Connection</c>). <see cref="PrimaryRoute.HAProxy"/>: its own region's HAProxy
    /// (<see cref="RegionsEnvironment.PrimaryPort"/>). <see cref="PrimaryRoute.MultiHost"/>: both regions' servers, its
    /// own region's first: after region A vanishes silently, a region-B silo that listed A first would spend the
    /// connect timeout on A every time the host's state expires; listing B first it finds the promoted primary at once,
    /// and it moves back to A on fail-back because B then answers as a standby.
    /// </summary>
    /// <param name="own">The silo's region.</param>
    /// <param name="route">Through HAProxy or multi-host.</param>
    public static string ConnectionString(Region own, PrimaryRoute route) => route == PrimaryRoute.HAProxy
        ? $"Host={own.Address};Port={RegionsEnvironment.PrimaryPort.ToString(CultureInfo.InvariantCulture)};Username=postgres;Password={RegionsEnvironment.Password};Database=ledger"
        : $"Host={own.Address},{Region.Databases.Single(r => r != own).Address};Port=5432;Username=postgres;Password={RegionsEnvironment.Password};Database=ledger";

    /// <summary>
    /// The command line of one silo: the profile, then its addresses and names (HTTP URL, cluster and service ids, silo
    /// and gateway ports, advertised address, region, silo name, connection string), then what the topology needs
    /// (<see cref="ClusterTopology.ClusterPerRegion"/>: <c>Regions:ServeOnlyInPrimaryRegion</c>), then
    /// <paramref name="extra"/>.
    /// </summary>
    /// <param name="silo">The silo.</param>
    /// <param name="topology">One cluster or one per region.</param>
    /// <param name="route">How the silo reaches the primary.</param>
    /// <param name="extra">Experiment arguments, last.</param>
    /// <returns>The arguments after the silo's assembly path.</returns>
    public static IReadOnlyList<string> Arguments(SiloSpec silo, ClusterTopology topology, PrimaryRoute route, IEnumerable<string> extra)
    {
        var region = silo.Region;
        var arguments = new List<string>
        {
            $"--Profile={Profile}",
            "--urls", $"http://{region.Address}:{silo.HttpPort.ToString(CultureInfo.InvariantCulture)}",
            $"--Cluster:ClusterId={silo.ClusterId}",
            "--Cluster:ServiceId=ledger",
            $"--Cluster:SiloPort={silo.SiloPort.ToString(CultureInfo.InvariantCulture)}",
            $"--Cluster:GatewayPort={silo.GatewayPort.ToString(CultureInfo.InvariantCulture)}",
            $"--Cluster:AdvertisedAddress={region.Address}",
            $"--Cluster:SiloName={silo.Name}",
            $"--Regions:Region={region.Key}",
            $"--Database:ConnectionString={ConnectionString(region, route)}",
        };
        if (route == PrimaryRoute.MultiHost)
        {
            // The driver's own primary search: ask every listed server, trust a server's role for 1 s.
            arguments.Add("--Database:Connection:TargetSessionAttributes=primary");
            arguments.Add("--Database:Connection:HostRecheck=00:00:01");
        }

        if (topology == ClusterTopology.ClusterPerRegion)
        {
            arguments.Add("--Regions:ServeOnlyInPrimaryRegion=true");
        }

        arguments.AddRange(extra);
        return arguments;
    }
}
