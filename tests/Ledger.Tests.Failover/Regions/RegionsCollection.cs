using MultiCloud.RegionsRig;
using Xunit;

namespace MultiCloud.Tests.Regions;

/// <summary>
/// The two-region tests build network namespaces, a bridge and a Patroni cluster: one at a time, never alongside each
/// other (they share the 198.18.0.0/24 bridge subnet) — and they need root. Run as another user they fail, saying so.
/// On a machine whose kernel or privileges cannot create namespaces, bridges or NAT rules at all (a container without
/// CAP_SYS_ADMIN, say), decided by a probe that retries before it decides, they are skipped naming the command that
/// failed; in CI (<c>CI=true</c>) they fail with that reason instead, since CI is meant to run them (README, Tests).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RegionsCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "regions";

    /// <summary>The prefixes of the environments these tests build (<c>scripts/regions</c> uses <c>mcr</c>, left alone).</summary>
    private static readonly string[] TestPrefixes = ["mct", "mcz", "mcb", "mcf"];

    /// <summary>How many times the probe tries before it decides the machine cannot build the environment.</summary>
    private const int ProbeAttempts = 3;

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
                _missing = await ProbeAsync();
                _probed = true;
            }
        }
        finally
        {
            ProbeGate.Release();
        }

        if (_missing is not null)
        {
            var reason = $"This machine cannot build the two-region environment ({ProbeAttempts} probes): {_missing}";
            if (IsCi)
            {
                Assert.Fail($"{reason}. CI runs these tests; a skip there would look like a pass.");
            }

            Assert.Skip(reason);
        }

        foreach (var prefix in TestPrefixes)
        {
            await RegionsEnvironment.DownAsync(prefix, line => TestContext.Current.SendDiagnosticMessage(line));
        }
    }

    /// <summary>True in CI (<c>CI=true</c>, as <c>.ci/run</c> and the usual CI services set it).</summary>
    private static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Runs the host probe up to <see cref="ProbeAttempts"/> times, a second apart: a command that times out on a loaded
    /// machine once must not decide a skip.
    /// </summary>
    private static async Task<string?> ProbeAsync()
    {
        string? missing = null;
        for (var attempt = 1; attempt <= ProbeAttempts; attempt++)
        {
            missing = await HostCapabilities.MissingAsync();
            if (missing is null)
            {
                return null;
            }

            TestContext.Current.SendDiagnosticMessage($"host probe {attempt}/{ProbeAttempts}: {missing}");
            await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        }

        return missing;
    }
}
