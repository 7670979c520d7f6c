using MultiCloud.RegionsRig;

namespace MultiCloud.Tests.Chart;

/// <summary>Runs validate-kubernetes-models.mjs (npm kubernetes-models, by node) on rendered YAML.</summary>
public static class KubernetesModelsValidator
{
    /// <summary>The validator's report, one line per object; <c>Passed</c> when node exited 0.</summary>
    public static async Task<(bool Passed, string Report)> ValidateAsync(string yaml)
    {
        var modules = await DeployTools.ValidatorModulesAsync();
        var script = Path.Combine(AppContext.BaseDirectory, "Chart", "validate-kubernetes-models.mjs");
        var input = Path.Combine(Path.GetTempPath(), $"multicloud-rendered-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(input, yaml);
        try
        {
            var report = await Shell.RunAsync("node", [script, modules, input], check: false, timeout: TimeSpan.FromMinutes(1), includeStandardError: true);
            var passed = report.Contains(" 0 invalid", StringComparison.Ordinal) && !report.Contains("invalid ", StringComparison.Ordinal);
            return (passed, report);
        }
        finally
        {
            File.Delete(input);
        }
    }
}
