using MultiCloud.Regions;
using Xunit;

namespace MultiCloud.Tests.Regions;

/// <summary>
/// The two-region tests build network namespaces, a bridge and a Patroni cluster: one at a time, never alongside each
/// other (they share the 198.18.0.0/24 bridge subnet) — and they need root. Run as another user they fail, saying so;
/// on a machine whose kernel or privileges cannot create namespaces, bridges or NAT rules at all (a container without
/// CAP_SYS_ADMIN, say) they are skipped, and the skip names the command that failed (README, Tests).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RegionsCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "regions";

    /// <summary>The prefixes of the environments these tests build (<c>scripts/regions</c> uses <c>mcr</c>, left alone).</summary>
    private static readonly string[] TestPrefixes = ["mct", "mcz", "mcb", "mcf"];

    private static readonly SemaphoreSlim ProbeGate = new(1, 1);
    private static bool _probed;
    private static string? _missing;

    /// <summary>
    /// Requires root; skips the test when this machine cannot build the environment at all (checked once per run);
    /// then removes whatever an earlier test of this collection left behind (a test whose clean-up failed would
    /// otherwise fail every later one: same prefix, same bridge subnet).
    /// </summary>
    public static async Task PrepareAsync()
    {
        Assert.True(Shell.IsRoot, "The two-region tests need root (network namespaces, bridge, iptables); run them as root, as CI does.");
        await ProbeGate.WaitAsync();
        try
        {
            if (!_probed)
            {
                _missing = await HostCapabilities.MissingAsync();
                _probed = true;
            }
        }
        finally
        {
            ProbeGate.Release();
        }

        if (_missing is not null)
        {
            Assert.Skip($"This machine cannot build the two-region environment: {_missing}");
        }

        foreach (var prefix in TestPrefixes)
        {
            await RegionsEnvironment.DownAsync(prefix, line => TestContext.Current.SendDiagnosticMessage(line));
        }
    }
}
