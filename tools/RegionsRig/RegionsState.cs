using System.Text.Json;

namespace MultiCloud.RegionsRig;

/// <summary>What an environment started, saved as <c>state.json</c> in its work directory (for <c>down</c> after a crash).</summary>
public sealed class RegionsState
{
    private const string FileName = "state.json";

    /// <summary>The environment's prefix.</summary>
    public string Prefix { get; set; } = string.Empty;

    /// <summary>The environment's work directory.</summary>
    public string Directory { get; set; } = string.Empty;

    /// <summary>True when this environment added the blackhole route for 198.18.0.0/15 (and so removes it).</summary>
    public bool AddedBlackhole { get; set; }

    /// <summary>Process ids by role (<c>etcd-a</c>, <c>patroni-b</c>, <c>relay-w</c>, <c>writer-a</c>...).</summary>
    public Dictionary<string, int> Pids { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The silos this environment runs (empty: database only).</summary>
    public List<SiloSpec> Silos { get; set; } = [];

    /// <summary>The silo build the silos run.</summary>
    public string? SiloAssembly { get; set; }

    /// <summary>Extra configuration arguments every silo gets.</summary>
    public List<string> SiloArguments { get; set; } = [];

    /// <summary>How the silos form clusters.</summary>
    public ClusterTopology Topology { get; set; }

    /// <summary>How the silos reach the primary.</summary>
    public PrimaryRoute Route { get; set; }

    /// <summary>How clients reach the API (<see cref="FrontDoor.Proxy"/> once the front door was started).</summary>
    public FrontDoor FrontDoor { get; set; } = FrontDoor.Client;

    /// <summary>Every recorded pid.</summary>
    public IEnumerable<int> AllPids() => Pids.Values;

    /// <summary>Writes the state file.</summary>
    public void Save()
    {
        System.IO.Directory.CreateDirectory(Directory);
        File.WriteAllText(Path.Combine(Directory, FileName), JsonSerializer.Serialize(this));
    }

    /// <summary>Reads the state file of a work directory, or null.</summary>
    public static RegionsState? TryLoad(string directory)
    {
        var path = Path.Combine(directory, FileName);
        return File.Exists(path) ? JsonSerializer.Deserialize<RegionsState>(File.ReadAllText(path)) : null;
    }

    /// <summary>Deletes the state file of a work directory.</summary>
    public static void Delete(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }
}
