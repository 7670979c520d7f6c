using MultiCloud.Regions;
using Xunit;

namespace MultiCloud.Tests.Regions;

/// <summary>
/// The two-region tests build network namespaces, a bridge and a Patroni cluster: one at a time, never alongside each
/// other (they share the 198.18.0.0/24 bridge subnet) — and they need root. Run as another user they fail, saying so.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RegionsCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "regions";

    /// <summary>The prefixes of the environments these tests build (<c>scripts/regions</c> uses <c>mcr</c>, left alone).</summary>
    private static readonly string[] TestPrefixes = ["mct", "mcz", "mcb", "mcf"];

    /// <summary>
    /// Requires root, then removes whatever an earlier test of this collection left behind (a test whose clean-up
    /// failed would otherwise fail every later one: same prefix, same bridge subnet).
    /// </summary>
    public static async Task PrepareAsync()
    {
        Assert.True(Shell.IsRoot, "The two-region tests need root (network namespaces, bridge, iptables); run them as root, as CI does.");
        foreach (var prefix in TestPrefixes)
        {
            await RegionsEnvironment.DownAsync(prefix, line => TestContext.Current.SendDiagnosticMessage(line));
        }
    }
}
