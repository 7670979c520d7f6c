using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Image;

/// <summary>
/// Internal podman networks on a free 198.19.x.0/24 (no default route, no NAT out of the host), and the check that the
/// host reaches an address on one through the network's own bridge (never out of the machine).
/// </summary>
public static class PodmanNetwork
{
    /// <summary>Creates an internal network on a free 198.19.x.0/24; returns its first three octets (<c>198.19.x</c>).</summary>
    public static async Task<string> CreateInternalAsync(string network)
    {
        var inUse = await Podman.RunAsync("network", "ls", "--format", "{{range .Subnets}}{{.Subnet}} {{end}}");
        var third = Enumerable.Range(100, 150).Where(x => !inUse.Contains($"198.19.{x}.0/24", StringComparison.Ordinal)).OrderBy(_ => Random.Shared.Next()).First();
        await Podman.RunAsync("network", "create", "--internal", "--subnet", $"198.19.{third}.0/24", network);
        return $"198.19.{third}";
    }

    /// <summary>Removes the network if it exists (a test that failed early may not have made it).</summary>
    public static async Task RemoveAsync(string network)
    {
        try
        {
            await Podman.RunAsync("network", "rm", "--force", network);
        }
        catch (InvalidOperationException)
        {
            // Not created: the test's final check finds any leftover by the run's prefix.
        }
    }

    /// <summary>The container's address on the network, after checking that the host reaches it through the bridge.</summary>
    public static async Task<string> AddressOfAsync(string container, string network)
    {
        var address = (await Podman.RunAsync("inspect", "--format", $"{{{{(index .NetworkSettings.Networks \"{network}\").IPAddress}}}}", container)).Trim();
        await AssertRoutedThroughBridgeAsync(address, network);
        return address;
    }

    /// <summary>Fails unless <paramref name="address"/> is in 198.19.0.0/16 and the host's route to it is the network's bridge.</summary>
    public static async Task AssertRoutedThroughBridgeAsync(string address, string network)
    {
        Assert.StartsWith("198.19.", address, StringComparison.Ordinal);
        var bridge = (await Podman.RunAsync("network", "inspect", "--format", "{{.NetworkInterface}}", network)).Trim();
        var route = await ProcessRunner.RunAsync("ip", ["route", "get", address]);
        Assert.Contains($" dev {bridge} ", route, StringComparison.Ordinal);
    }
}
