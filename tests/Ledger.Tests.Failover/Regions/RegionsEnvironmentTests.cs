using System.Diagnostics;
using System.Reflection;
using MultiCloud.RegionsRig;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Regions;

/// <summary>The environment itself: isolation from the outside, the delay relay, clean removal.</summary>
[Collection(RegionsCollection.Name)]
public sealed class RegionsEnvironmentTests
{
    [Fact(Timeout = TestTimeouts.Drill)]
    public async Task Environment_is_isolated_adds_the_configured_latency_and_is_removed_completely()
    {
        await RegionsCollection.PrepareAsync();
        var options = new RigOptions { Prefix = "mct" };
        var env = await RegionsEnvironment.UpAsync(options, _ => { }, TestContext.Current.CancellationToken);
        try
        {
            // Nothing of 198.18.0.0/15 can leave the machine: the root namespace blackholes the range, and the
            // namespaces have no route but their own subnet.
            var rootRoute = await Shell.RunAsync("ip", ["route", "get", "198.19.7.7"], check: false);
            var nsRoutes = await Shell.InNamespaceAsync(options.Namespace(Region.A), "ip", ["route"]);
            var outside = await Shell.InNamespaceAsync(options.Namespace(Region.A), "ip", ["route", "get", "192.0.2.1"], check: false);

            Assert.Contains("blackhole", await Shell.RunAsync("ip", ["route", "show", "198.18.0.0/15"]), StringComparison.Ordinal);
            Assert.DoesNotContain("via", rootRoute, StringComparison.Ordinal);
            Assert.DoesNotContain("default", nsRoutes, StringComparison.Ordinal);
            Assert.DoesNotContain("dev eth0", outside, StringComparison.Ordinal);

            // The relay adds ~20 ms round trip between regions and nothing inside one. Medians of 7 queries (psql timing), so
            // one slow query on a loaded machine does not decide: cross-region 1 ms below the delay (clock granularity)
            // up to 4x it; in-region up to 5 ms, a quarter of the relay's delay, so a misrouted path still fails.
            var cross = await MedianRoundTripAsync(options.Namespace(Region.A), Region.B);
            var local = await MedianRoundTripAsync(options.Namespace(Region.A), Region.A);
            Assert.InRange(cross.TotalMilliseconds, 19, 80);
            Assert.InRange(local.TotalMilliseconds, 0, 5);
            Assert.Equal(Region.A, await env.SelfReportedLeaderAsync());
        }
        finally
        {
            await env.DownAsync();
        }

        var namespaces = await Shell.RunAsync("ip", ["netns", "list"]);
        var links = await Shell.RunAsync("ip", ["-br", "link"]);
        Assert.DoesNotContain("mct-", namespaces, StringComparison.Ordinal);
        Assert.DoesNotContain("mct", links, StringComparison.Ordinal);
        Assert.False(Directory.Exists(options.Directory));
    }

    [Fact(Timeout = TestTimeouts.Drill)]
    public async Task Down_all_removes_the_leftovers_of_a_crashed_run()
    {
        await RegionsCollection.PrepareAsync();
        var options = new RigOptions { Prefix = "mcz" };
        await RegionsEnvironment.UpAsync(options, _ => { }, TestContext.Current.CancellationToken);

        // The run "crashes": nothing calls Down. A later run cleans up by what it finds.
        var removed = await RegionsEnvironment.DownAllAsync(_ => { });

        Assert.True(removed >= 1);
        Assert.DoesNotContain("mcz-", await Shell.RunAsync("ip", ["netns", "list"]), StringComparison.Ordinal);
        Assert.DoesNotContain("mcz", await Shell.RunAsync("ip", ["-br", "link"]), StringComparison.Ordinal);
        // Zombies (killed, waiting for a parent to reap them) hold no namespace and no port.
        Assert.DoesNotContain(Process.GetProcessesByName("etcd"), p => Shell.IsAlive(p.Id));
    }

    [Fact(Timeout = TestTimeouts.Drill)]
    public async Task The_tool_refuses_to_run_without_root_and_says_why()
    {
        // The build output may sit below a directory only root can enter (CI clones into a 0700 temp directory), so the
        // tool's own files (those its deps.json names) are copied to a directory "nobody" can read.
        var copy = Directory.CreateTempSubdirectory("multicloud-nobody-");
        try
        {
            var dll = await CopyToolToAsync(copy.FullName);
            var (exit, output) = await RunAsNobodyAsync(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", dll, "up", "--prefix", "mcn");

            Assert.NotEqual(0, exit);
            Assert.Contains("needs root", output, StringComparison.Ordinal);
            Assert.DoesNotContain("mcn-", await Shell.RunAsync("ip", ["netns", "list"]), StringComparison.Ordinal);
        }
        finally
        {
            copy.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Copies the rig as it was built (tools/RegionsRig's own output, which <c>scripts/regions</c> runs: this project's
    /// output holds the rig's assembly but resolves some of its dependencies from the ASP.NET shared framework instead).
    /// </summary>
    private static async Task<string> CopyToolToAsync(string directory)
    {
        var source = typeof(RegionsEnvironmentTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "RegionsRigOutput").Value!;
        var deps = Path.Combine(source, "MultiCloud.RegionsRig.deps.json");
        using var document = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(deps));
        var files = new HashSet<string>(StringComparer.Ordinal) { "MultiCloud.RegionsRig.deps.json", "MultiCloud.RegionsRig.runtimeconfig.json" };
        foreach (var target in document.RootElement.GetProperty("targets").EnumerateObject())
        {
            foreach (var library in target.Value.EnumerateObject())
            {
                if (library.Value.TryGetProperty("runtime", out var runtime))
                {
                    files.UnionWith(runtime.EnumerateObject().Select(asset => Path.GetFileName(asset.Name)));
                }
            }
        }

        foreach (var file in files)
        {
            File.Copy(Path.Combine(source, file), Path.Combine(directory, file));
        }

        await Shell.RunAsync("chmod", ["755", directory]);
        return Path.Combine(directory, "MultiCloud.RegionsRig.dll");
    }

    private static async Task<TimeSpan> MedianRoundTripAsync(string ns, Region target)
    {
        // psql inside the namespace: the client's traffic takes the namespace's routes and iptables rules.
        var samples = new List<double>();
        for (var i = 0; i < 7; i++)
        {
            var output = await Shell.RunAsync("ip", ["netns", "exec", ns, "env", $"PGPASSWORD={RegionsEnvironment.Password}", "psql", "-X", "-q", "-h", target.Address.ToString(),
                "-U", "postgres", "-d", "postgres", "-c", "\\timing on", "-c", "SELECT 1"]);
            var line = output.Split('\n').First(l => l.StartsWith("Time:", StringComparison.Ordinal));
            samples.Add(double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture));
        }

        return TimeSpan.FromMilliseconds(samples.Order().ElementAt(samples.Count / 2));
    }

    private static async Task<(int Exit, string Output)> RunAsNobodyAsync(params string[] command)
    {
        var info = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--reuid=nobody", "--regid=nogroup", "--clear-groups" }.Concat(command))
        {
            info.ArgumentList.Add(a);
        }

        // The dotnet host needs a writable home for its first-run files.
        info.Environment["HOME"] = "/tmp";
        info.Environment["DOTNET_CLI_HOME"] = "/tmp";
        info.WorkingDirectory = "/tmp";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
