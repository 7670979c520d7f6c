using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Image;

/// <summary>
/// Rootful podman with the repository's <c>scripts/containers.conf</c> (runtime runc, ulimits, a default subnet in
/// 198.18.0.0/15), and the image <c>scripts/image</c> built.
/// </summary>
public static class Podman
{
    /// <summary>The image under test: <c>MULTICLOUD_IMAGE</c>, or the tag scripts/image gives by default.</summary>
    public static string Image { get; } = Environment.GetEnvironmentVariable("MULTICLOUD_IMAGE") is { Length: > 0 } image
        ? image
        : "localhost/multicloud-silo:test";

    /// <summary>The containers.conf podman runs with: <c>CONTAINERS_CONF</c>, or scripts/containers.conf of this checkout.</summary>
    public static string ContainersConf { get; } = Environment.GetEnvironmentVariable("CONTAINERS_CONF") is { Length: > 0 } conf
        ? conf
        : FindInCheckout(Path.Combine("scripts", "containers.conf"));

    /// <summary>Runs <c>podman</c> with <paramref name="arguments"/>; returns standard output then standard error.</summary>
    /// <exception cref="InvalidOperationException">podman exited non-zero (the message has its output) or timed out.</exception>
    public static Task<string> RunAsync(params string[] arguments) => RunAsync(TimeSpan.FromMinutes(2), arguments);

    /// <inheritdoc cref="RunAsync(string[])"/>
    public static Task<string> RunAsync(TimeSpan timeout, params string[] arguments)
        => ProcessRunner.RunAsync("env", [$"CONTAINERS_CONF={ContainersConf}", "podman", .. arguments], timeout: timeout);

    /// <summary>
    /// Fails with a clear message unless the tests can run podman: root, podman installed, and the image present
    /// (<c>scripts/test --deploy</c> runs <c>scripts/image</c> first).
    /// </summary>
    public static async Task RequireImageAsync()
    {
        Assert.True(ProcessRunner.IsRoot, "the image tests need root (rootful podman): run them as root, as CI does");
        Assert.True(File.Exists("/usr/bin/podman"), "podman is not installed: scripts/image installs it (apt-get install podman runc)");
        try
        {
            await RunAsync("image", "exists", Image);
        }
        catch (InvalidOperationException)
        {
            Assert.Fail($"image {Image} not found: build it with scripts/image (scripts/test --deploy does), or name another with MULTICLOUD_IMAGE");
        }
    }

    /// <summary>A name prefix unique to this run, so that a crashed run's leftovers can be found (<c>mcimg-</c>... by default).</summary>
    /// <param name="kind">The prefix's first part, naming the kind of test.</param>
    public static string UniquePrefix(string kind = "mcimg") => $"{kind}-{Guid.NewGuid():N}"[..(kind.Length + 9)];

    private static string FindInCheckout(string relative)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}; set CONTAINERS_CONF");
    }
}
