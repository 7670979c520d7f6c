using System.Globalization;
using MultiCloud.Tests.Infrastructure;

namespace MultiCloud.Tests.Image;

/// <summary>
/// What netavark changes on the host when a container joins a bridge network: <c>net.ipv4.ip_forward</c> (turned on)
/// and NETAVARK iptables chains (in <c>filter</c> and <c>nat</c>). Captured before a test creates a network and put back
/// after it: the setting as it was, and the chains that did not exist before removed with every jump to them (chains
/// that existed before belong to someone else's containers and stay). The same as <c>scripts/podman-env</c>.
/// </summary>
public sealed class NetavarkState
{
    private const string IpForward = "/proc/sys/net/ipv4/ip_forward";
    private static readonly string[] Tables = ["filter", "nat"];

    private readonly string _ipForward;
    private readonly HashSet<string> _chains;

    private NetavarkState(string ipForward, HashSet<string> chains)
    {
        _ipForward = ipForward;
        _chains = chains;
    }

    /// <summary>Reads the current state.</summary>
    public static async Task<NetavarkState> CaptureAsync()
        => new((await File.ReadAllTextAsync(IpForward)).Trim(), [.. await ChainsAsync()]);

    /// <summary>Puts the state back; returns what it could not remove (empty when all went well).</summary>
    public async Task<IReadOnlyList<string>> RestoreAsync()
    {
        await File.WriteAllTextAsync(IpForward, _ipForward + "\n");
        var added = (await ChainsAsync()).Where(chain => !_chains.Contains(chain)).ToList();
        foreach (var chain in added)
        {
            var (table, name) = Split(chain);
            var rules = await ProcessRunner.RunAsync("iptables", ["-w", "-t", table, "-S"]);
            foreach (var jump in rules.Split('\n').Where(rule => rule.StartsWith("-A ", StringComparison.Ordinal) && rule.EndsWith($" -j {name}", StringComparison.Ordinal)))
            {
                await ProcessRunner.RunAsync("iptables", ["-w", "-t", table, "-D", .. jump[3..].Split(' ', StringSplitOptions.RemoveEmptyEntries)]);
            }

            await ProcessRunner.RunAsync("iptables", ["-w", "-t", table, "-F", name]);
        }

        foreach (var chain in added)
        {
            var (table, name) = Split(chain);
            await ProcessRunner.RunAsync("iptables", ["-w", "-t", table, "-X", name]);
        }

        var left = (await ChainsAsync()).Where(chain => !_chains.Contains(chain)).ToList();
        var forward = (await File.ReadAllTextAsync(IpForward)).Trim();
        if (!string.Equals(forward, _ipForward, StringComparison.Ordinal))
        {
            left.Add(string.Create(CultureInfo.InvariantCulture, $"ip_forward is {forward}, was {_ipForward}"));
        }

        return left;
    }

    /// <summary>The NETAVARK chains now, as <c>table chain</c>.</summary>
    public static async Task<IReadOnlyList<string>> ChainsAsync()
    {
        var chains = new List<string>();
        foreach (var table in Tables)
        {
            var rules = await ProcessRunner.RunAsync("iptables", ["-w", "-t", table, "-S"]);
            chains.AddRange(rules.Split('\n')
                .Where(rule => rule.StartsWith("-N NETAVARK", StringComparison.Ordinal))
                .Select(rule => $"{table} {rule[3..].Trim()}"));
        }

        return chains;
    }

    private static (string Table, string Chain) Split(string chain)
    {
        var space = chain.IndexOf(' ', StringComparison.Ordinal);
        return (chain[..space], chain[(space + 1)..]);
    }
}
