using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Image;

/// <summary>
/// The image built by scripts/image, run the way a hardened deployment runs it: read-only root filesystem with /tmp
/// the only writable path, a fixed non-root user, no capabilities, no privilege escalation, on an internal podman network
/// of its own (a 198.19.x.0/24: no default route, no NAT out of the host). Everything the test creates (container,
/// network, NETAVARK chains, ip_forward) is removed or put back, pass or fail, and the test checks that it was.
/// <para>
/// No port is published: podman 4.3 (netavark 1.4) sets up no port forwarding on an internal network (conmon holds the
/// host port and nothing answers), and a network that is not internal gives the container a default route and NAT out
/// of the host, which the project's network rules forbid. The test talks to the container's address on the bridge
/// instead; the bridge and its 198.19.x.1 live in the root namespace, and the route to the container is checked to go
/// through that bridge before the first request (never out of the machine).
/// </para>
/// </summary>
public sealed class ImageRunTests
{
    private static readonly TimeSpan ReadyWithin = TimeSpan.FromSeconds(120);

    /// <summary>What podman diff shows for podman's own mounts in a read-only container (files podman bind-mounts).</summary>
    private static readonly string[] PodmanOwnChanges = ["C /etc", "A /etc/hosts", "A /etc/hostname", "A /etc/resolv.conf", "C /run", "A /run/.containerenv"];

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task Image_runs_read_only_as_uid_10001_and_serves_the_api_on_the_in_memory_profile()
    {
        await Podman.RequireImageAsync();
        var prefix = Podman.UniquePrefix();
        var network = $"{prefix}-net";
        var container = $"{prefix}-silo";
        var state = await NetavarkState.CaptureAsync();
        IReadOnlyList<string> notRestored;
        try
        {
            await PodmanNetwork.CreateInternalAsync(network);
            // The group too: `--user 10001` alone replaces the image's USER 10001:10001 and runs with gid 0 (podman).
            await Podman.RunAsync(
                "run", "--detach", "--name", container, "--network", network,
                "--read-only", "--read-only-tmpfs=false", "--tmpfs", "/tmp",
                "--user", "10001:10001", "--cap-drop", "ALL", "--security-opt", "no-new-privileges", Podman.Image);

            var address = await PodmanNetwork.AddressOfAsync(container, network);
            using var http = new HttpClient { BaseAddress = new Uri($"http://{address}:8080"), Timeout = TimeSpan.FromSeconds(5) };
            await SiloReadiness.WaitUntilReadyAsync(http, container, ReadyWithin);
            await OpensAndReadsAnAccountAsync(http);
            await RunsAsUid10001WithoutPrivilegesAsync(container);
            await RootFilesystemIsReadOnlyAsync(container);
        }
        finally
        {
            await Podman.RunAsync("rm", "--force", "--ignore", "--time", "0", container);
            await PodmanNetwork.RemoveAsync(network);
            notRestored = await state.RestoreAsync();
        }

        Assert.Empty(notRestored);
        Assert.Equal("", (await Podman.RunAsync("ps", "--all", "--filter", $"name={prefix}", "--format", "{{.Names}}")).Trim());
        Assert.Equal("", (await Podman.RunAsync("network", "ls", "--filter", $"name={prefix}", "--format", "{{.Name}}")).Trim());
    }

    private static async Task OpensAndReadsAnAccountAsync(HttpClient http)
    {
        using var open = new HttpRequestMessage(HttpMethod.Post, "/accounts")
        {
            Content = JsonContent.Create(new { owner = "Ada", currency = "EUR" }),
            Headers = { { "Idempotency-Key", "image-open-ada" } },
        };
        using var opened = await http.SendAsync(open, TestContext.Current.CancellationToken);
        var body = await opened.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(opened.StatusCode == HttpStatusCode.Created, $"POST /accounts answered {(int)opened.StatusCode}: {body}");
        using var account = JsonDocument.Parse(body);
        var id = account.RootElement.GetProperty("id").GetGuid();
        Assert.Equal($"/accounts/{id}", opened.Headers.Location?.OriginalString);

        using var read = await http.GetAsync(new Uri($"/accounts/{id}", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        using var snapshot = JsonDocument.Parse(await read.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("Ada", snapshot.RootElement.GetProperty("owner").GetString());
        Assert.Equal("EUR", snapshot.RootElement.GetProperty("currency").GetString());
        Assert.Equal(0, snapshot.RootElement.GetProperty("balance").GetInt64());
    }

    /// <summary>The silo is the container's process 1 (no shell in between), as uid and gid 10001, with no capabilities.</summary>
    private static async Task RunsAsUid10001WithoutPrivilegesAsync(string container)
    {
        var pid = int.Parse((await Podman.RunAsync("inspect", "--format", "{{.State.Pid}}", container)).Trim(), CultureInfo.InvariantCulture);
        var command = (await File.ReadAllTextAsync($"/proc/{pid}/cmdline")).TrimEnd('\0');
        Assert.Equal("/app/MultiCloud.Silo", command);

        var status = (await File.ReadAllLinesAsync($"/proc/{pid}/status")).ToDictionary(line => line[..line.IndexOf(':', StringComparison.Ordinal)], line => line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim());
        Assert.Equal(["10001", "10001", "10001", "10001"], status["Uid"].Split('\t'));
        Assert.Equal(["10001", "10001", "10001", "10001"], status["Gid"].Split('\t'));
        Assert.Equal("0000000000000000", status["CapEff"]);
        Assert.Equal("0000000000000000", status["CapPrm"]);
        Assert.Equal("1", status["NoNewPrivs"]);

        // podman's own view agrees (user as the container sees it, and the host user: no user namespace).
        var top = (await Podman.RunAsync("top", container, "user", "huser", "args"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1)
            .Select(line => line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries)).ToList();
        var process = Assert.Single(top);
        Assert.Equal(["10001", "10001", "/app/MultiCloud.Silo"], process);
    }

    /// <summary>
    /// In the running container (same mounts, same user), creating a file fails with "Read-only file system" everywhere
    /// but /tmp: in /app (the silo's own directory), in /var/tmp, and at / even as uid 0 (which owns / and would otherwise
    /// be allowed: only the read-only mount stops it). /tmp takes a file. And the silo, having served requests, changed
    /// nothing in the image's layers: podman diff shows at most /etc, where podman itself mounts hosts, hostname and
    /// resolv.conf.
    /// </summary>
    private static async Task RootFilesystemIsReadOnlyAsync(string container)
    {
        foreach (var (user, path) in new[] { ("10001", "/app/written-by-test"), ("10001", "/var/tmp/written-by-test"), ("0", "/written-by-test") })
        {
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Podman.RunAsync("exec", "--user", user, container, "/usr/bin/touch", path));
            Assert.Contains("Read-only file system", refused.Message, StringComparison.Ordinal);
        }

        await Podman.RunAsync("exec", "--user", "10001", container, "/usr/bin/touch", "/tmp/written-by-test");
        var tmp = await Podman.RunAsync("exec", "--user", "10001", container, "/usr/bin/ls", "/tmp");
        Assert.Contains("written-by-test", tmp, StringComparison.Ordinal);

        var changed = (await Podman.RunAsync("diff", container)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.All(changed, change => Assert.Contains(change, PodmanOwnChanges));
    }
}
