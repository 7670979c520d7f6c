namespace MultiCloud.RegionsRig;

/// <summary>
/// Whether this machine's kernel and privileges allow the two-region environment at all: a network namespace, a
/// bridge, a veth pair and iptables filter and NAT rules inside a namespace. Checked with throwaway objects named
/// <c>mcprobe*</c>, removed again whatever happens.
/// </summary>
public static class HostCapabilities
{
    private const string Namespace = "mcprobe";
    private const string Bridge = "mcprobebr";
    private const string Veth = "mcprobev";

    /// <summary>
    /// Null when the environment can be built here; otherwise the command that failed and what it said (e.g. a
    /// container without CAP_NET_ADMIN or CAP_SYS_ADMIN, or a kernel without bridge, veth or netfilter NAT support).
    /// </summary>
    /// <exception cref="InvalidOperationException">Not root (the tool's own precondition, reported as such).</exception>
    public static async Task<string?> MissingAsync()
    {
        if (!Shell.IsRoot)
        {
            throw new InvalidOperationException("The regions tool needs root: it creates network namespaces, a bridge, veth pairs and iptables rules.");
        }

        await RemoveAsync();
        try
        {
            string[][] steps =
            [
                ["ip", "netns", "add", Namespace],
                ["ip", "link", "add", Bridge, "type", "bridge"],
                ["ip", "link", "add", Veth, "type", "veth", "peer", "name", Veth + "p"],
                ["ip", "link", "set", Veth + "p", "netns", Namespace],
                ["ip", "netns", "exec", Namespace, "iptables", "-t", "filter", "-A", "OUTPUT", "-d", "198.18.0.2", "-j", "DROP"],
                ["ip", "netns", "exec", Namespace, "iptables", "-t", "nat", "-A", "OUTPUT", "-p", "tcp", "-d", "198.18.0.2", "-j", "REDIRECT", "--to-ports", "15000"],
            ];
            foreach (var step in steps)
            {
                try
                {
                    await Shell.RunAsync(step[0], step[1..], timeout: TimeSpan.FromSeconds(20));
                }
                catch (InvalidOperationException exception)
                {
                    return $"'{string.Join(' ', step)}' failed: {exception.Message.Split('\n').Skip(1).FirstOrDefault(l => l.Length > 0) ?? exception.Message}";
                }
            }

            return null;
        }
        finally
        {
            await RemoveAsync();
        }
    }

    private static async Task RemoveAsync()
    {
        await Shell.RunAsync("ip", ["netns", "del", Namespace], check: false);
        await Shell.RunAsync("ip", ["link", "del", Veth], check: false);
        await Shell.RunAsync("ip", ["link", "del", Bridge], check: false);
    }
}
