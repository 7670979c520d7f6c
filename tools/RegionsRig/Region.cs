using System.Net;

namespace MultiCloud.RegionsRig;

/// <summary>One network namespace of the environment: a region (with PostgreSQL under Patroni) or the witness (etcd only).</summary>
/// <param name="Key">Short key: <c>a</c>, <c>b</c> or <c>w</c>.</param>
/// <param name="Name">Human name: <c>region-a</c>, <c>region-b</c>, <c>witness</c>.</param>
/// <param name="Address">The namespace's address on the bridge (198.18.0.0/24, RFC 2544 benchmarking range).</param>
/// <param name="HasDatabase">True for the two regions, false for the witness.</param>
public sealed record Region(string Key, string Name, IPAddress Address, bool HasDatabase)
{
    /// <summary>Region A: the primary's home.</summary>
    public static Region A { get; } = new("a", "region-a", IPAddress.Parse("198.18.0.11"), true);

    /// <summary>Region B: the synchronous standby's home.</summary>
    public static Region B { get; } = new("b", "region-b", IPAddress.Parse("198.18.0.12"), true);

    /// <summary>The witness: the third etcd member.</summary>
    public static Region Witness { get; } = new("w", "witness", IPAddress.Parse("198.18.0.13"), false);

    /// <summary>All three, in order.</summary>
    public static IReadOnlyList<Region> All { get; } = [A, B, Witness];

    /// <summary>The two database regions.</summary>
    public static IReadOnlyList<Region> Databases { get; } = [A, B];

    /// <summary>The Patroni member name of this region's database.</summary>
    public string Member => $"pg-{Key}";

    /// <summary>Looks a region up by key or name.</summary>
    /// <exception cref="ArgumentException">No such region.</exception>
    public static Region Parse(string value) => All.FirstOrDefault(r => r.Key == value || r.Name == value)
        ?? throw new ArgumentException($"Unknown region '{value}': use a, b, w (or region-a, region-b, witness).", nameof(value));
}
