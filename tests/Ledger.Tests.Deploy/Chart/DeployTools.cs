using MultiCloud.RegionsRig;

namespace MultiCloud.Tests.Chart;

/// <summary>
/// The real tools the chart tests run: helm and the kubernetes-models validator's npm packages. scripts/test passes
/// their paths (MULTICLOUD_HELM, MULTICLOUD_KUBE_VALIDATORS) after running scripts/helm; without them the tests run
/// scripts/helm themselves, which uses its cache and fetches only what is missing. A missing tool fails the test.
/// </summary>
public static class DeployTools
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static ToolPaths? _paths;

    /// <summary>The repository's root (the folder holding Orleans.MultiCloud.sln).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>helm/multicloud.</summary>
    public static string ChartDirectory { get; } = Path.Combine(RepositoryRoot, "helm", "multicloud");

    /// <summary>The helm binary.</summary>
    public static async Task<string> HelmAsync() => (await PathsAsync()).Helm;

    /// <summary>The node_modules folder holding kubernetes-models and js-yaml.</summary>
    public static async Task<string> ValidatorModulesAsync() => (await PathsAsync()).ValidatorModules;

    private static async Task<ToolPaths> PathsAsync()
    {
        await Gate.WaitAsync();
        try
        {
            return _paths ??= await LocateAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<ToolPaths> LocateAsync()
    {
        var helm = Environment.GetEnvironmentVariable("MULTICLOUD_HELM");
        var modules = Environment.GetEnvironmentVariable("MULTICLOUD_KUBE_VALIDATORS");
        if (!File.Exists(helm) || !Directory.Exists(Path.Combine(modules ?? "", "kubernetes-models")))
        {
            var script = Path.Combine(RepositoryRoot, "scripts", "helm");
            string output;
            try
            {
                output = await Shell.RunAsync(script, ["--validators"], timeout: TimeSpan.FromMinutes(3));
            }
            catch (InvalidOperationException exception)
            {
                throw new InvalidOperationException($"the chart tests need helm and the kubernetes-models validator; {script} could not provide them: {exception.Message}", exception);
            }

            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            (helm, modules) = (lines[^2], lines[^1]);
        }

        if (!File.Exists(helm) || !Directory.Exists(Path.Combine(modules!, "kubernetes-models")))
        {
            throw new InvalidOperationException($"helm ({helm}) or the kubernetes-models packages ({modules}) are missing after scripts/helm --validators");
        }

        return new ToolPaths(helm, modules!);
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Orleans.MultiCloud.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no Orleans.MultiCloud.sln above {AppContext.BaseDirectory}");
    }

    private sealed record ToolPaths(string Helm, string ValidatorModules);
}
