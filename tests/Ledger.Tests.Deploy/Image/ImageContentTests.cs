using System.Text.Json;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Image;

/// <summary>What is in the image built by scripts/image, read from its configuration and its mounted root filesystem.</summary>
public sealed class ImageContentTests
{
    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task Image_runs_the_silo_binary_directly_as_uid_10001_and_exposes_http_silo_and_gateway_ports()
    {
        await Podman.RequireImageAsync();
        using var inspect = JsonDocument.Parse(await Podman.RunAsync("image", "inspect", "--format", "json", Podman.Image));
        var config = inspect.RootElement[0].GetProperty("Config");

        Assert.Equal("10001:10001", config.GetProperty("User").GetString());
        Assert.Equal(["/app/MultiCloud.Silo"], config.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));
        Assert.False(config.TryGetProperty("Cmd", out var cmd) && cmd.ValueKind == JsonValueKind.Array && cmd.GetArrayLength() > 0, $"no Cmd expected, found {cmd}");
        Assert.Equal("/app", config.GetProperty("WorkingDir").GetString());
        Assert.Equal(["11111/tcp", "30000/tcp", "8080/tcp"], config.GetProperty("ExposedPorts").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task Image_holds_a_self_contained_silo_and_no_sdk_or_shared_dotnet()
    {
        await Podman.RequireImageAsync();
        var root = (await Podman.RunAsync("image", "mount", Podman.Image)).Trim();
        try
        {
            Assert.True(Directory.Exists(Path.Combine(root, "app")), $"podman image mount gave {root}, which has no /app");

            // Self-contained: the native host, the runtime and the framework libraries are in /app, and the runtime
            // configuration names the frameworks it includes instead of ones it needs installed.
            foreach (var file in new[] { "MultiCloud.Silo", "MultiCloud.Silo.dll", "libcoreclr.so", "libhostfxr.so", "System.Private.CoreLib.dll", "Microsoft.AspNetCore.dll", "appsettings.json" })
            {
                Assert.True(File.Exists(Path.Combine(root, "app", file)), $"/app/{file} is missing");
            }

            using var runtimeConfig = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(root, "app", "MultiCloud.Silo.runtimeconfig.json"), TestContext.Current.CancellationToken));
            var options = runtimeConfig.RootElement.GetProperty("runtimeOptions");
            Assert.True(options.TryGetProperty("includedFrameworks", out _), $"not self-contained: {options}");
            Assert.False(options.TryGetProperty("framework", out _) || options.TryGetProperty("frameworks", out _), $"needs a shared framework: {options}");

            // No SDK, no shared runtime and no dotnet host anywhere in the image.
            var forbidden = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 }))
            {
                var relative = "/" + Path.GetRelativePath(root, entry);
                var name = Path.GetFileName(entry);
                seen.Add(relative);
                if (name is "dotnet" or "sdk" or "Microsoft.NET.Sdk" or "MSBuild.dll" or "csc.dll" or "Microsoft.Build.dll" or "NuGet.Commands.dll"
                    || relative.Contains("/shared/Microsoft.NETCore.App", StringComparison.Ordinal))
                {
                    forbidden.Add(relative);
                }
            }

            // The walk went everywhere (into the app and the base's libraries), so finding nothing means something.
            Assert.Contains("/app/libcoreclr.so", seen);
            Assert.Contains("/usr/lib/x86_64-linux-gnu/libssl.so.3", seen);
            Assert.Empty(forbidden);
        }
        finally
        {
            await Podman.RunAsync("image", "unmount", Podman.Image);
        }
    }
}
