using MultiCloud.RegionsRig;

namespace MultiCloud.Tests.Chart;

/// <summary>Runs the real helm on helm/multicloud with one region's values (the image digest is the release's, set here).</summary>
public static class Helm
{
    /// <summary>A well-formed digest standing for the release's image.</summary>
    public const string ReleaseDigest = "sha256:2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881";

    /// <summary>The release name the tests render with (the ApplicationSet's).</summary>
    public const string ReleaseName = "ledger";

    /// <summary><c>helm template</c>: the rendered objects as YAML.</summary>
    /// <param name="region">The region's values file.</param>
    /// <param name="sets"><c>--set</c> values after the digest (a later one wins); an item starting with <c>--</c> (such as <c>--set-json=key=[]</c>) is passed as it is.</param>
    /// <exception cref="InvalidOperationException">helm refused the values or the templates failed (its message included).</exception>
    public static Task<string> TemplateAsync(RegionRelease region, params string[] sets) => TemplateAsync(ReleaseName, region, sets);

    /// <summary><c>helm template</c> under another release name (every object's name starts with it).</summary>
    /// <param name="releaseName">The release name.</param>
    /// <param name="region">The region's values file.</param>
    /// <param name="sets"><c>--set</c> values after the digest, as for <see cref="TemplateAsync(RegionRelease, string[])"/>.</param>
    /// <exception cref="InvalidOperationException">helm refused the values or the templates failed (its message included).</exception>
    public static async Task<string> TemplateAsync(string releaseName, RegionRelease region, params string[] sets)
        => await RunAsync(["template", releaseName, DeployTools.ChartDirectory, "--namespace", "multicloud", .. Values(region, sets)]);

    /// <summary><c>helm lint --strict</c>.</summary>
    /// <exception cref="InvalidOperationException">The chart failed the lint (helm's output included).</exception>
    public static async Task<string> LintStrictAsync(RegionRelease region, params string[] sets)
        => await RunAsync(["lint", "--strict", DeployTools.ChartDirectory, .. Values(region, sets)]);

    private static IEnumerable<string> Values(RegionRelease region, string[] sets)
    {
        yield return "--values";
        yield return Path.Combine(DeployTools.ChartDirectory, region.ValuesFile);
        yield return "--set";
        yield return $"image.digest={ReleaseDigest}";
        foreach (var set in sets)
        {
            if (!set.StartsWith("--", StringComparison.Ordinal))
            {
                yield return "--set";
            }

            yield return set;
        }
    }

    private static async Task<string> RunAsync(IEnumerable<string> arguments)
        => await Shell.RunAsync(await DeployTools.HelmAsync(), arguments, timeout: TimeSpan.FromMinutes(1), includeStandardError: false);
}
