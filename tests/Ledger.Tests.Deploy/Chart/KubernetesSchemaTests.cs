using k8s;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Chart;

/// <summary>
/// Every rendered object is valid Kubernetes, checked offline by two validators that catch different errors:
/// kubernetes-models (missing required fields, wrong types, bad enum values) and KubernetesClient's strict parse
/// (unknown, misspelled fields and wrong types).
/// </summary>
public sealed class KubernetesSchemaTests
{
    public static TheoryData<string, string[]> Releases => new()
    {
        { "a", [] },
        { "b", [] },
        { "a", RegionRelease.KubernetesHostingAlone },
        { "b", ["ingress.enabled=false", "shutdown.preStopSleepSeconds=0", "podAntiAffinity=required"] },
    };

    [Theory(Timeout = TestTimeouts.Processes)]
    [MemberData(nameof(Releases))]
    public async Task Every_rendered_object_passes_the_kubernetes_models_schemas(string region, string[] sets)
    {
        var yaml = await Helm.TemplateAsync(RegionRelease.Named(region), sets);

        var (passed, report) = await KubernetesModelsValidator.ValidateAsync(yaml);

        Assert.True(passed, report);
        Assert.Contains("ok Deployment/", report, StringComparison.Ordinal);
    }

    [Theory(Timeout = TestTimeouts.Processes)]
    [MemberData(nameof(Releases))]
    public async Task Every_rendered_object_parses_strictly_with_KubernetesClient(string region, string[] sets)
    {
        var yaml = await Helm.TemplateAsync(RegionRelease.Named(region), sets);

        var objects = KubernetesYaml.LoadAllFromString(yaml, strict: true);

        Assert.Equal(yaml.Split("\nkind: ").Length - 1, objects.Count);
        Assert.DoesNotContain(objects, o => o is null);
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task The_kubernetes_models_validator_refuses_a_missing_required_field_the_strict_parse_lets_through_and_a_wrong_type()
    {
        var yaml = await Helm.TemplateAsync(RegionRelease.A);
        var missingSelector = yaml.Replace("  selector:\n    matchLabels:\n      app.kubernetes.io/name: multicloud\n      app.kubernetes.io/instance: ledger\n      app.kubernetes.io/component: silo\n  strategy:", "  strategy:", StringComparison.Ordinal);
        var wrongType = yaml.Replace("  replicas: 2\n", "  replicas: two\n", StringComparison.Ordinal);
        Assert.NotEqual(yaml, missingSelector);
        Assert.NotEqual(yaml, wrongType);

        var (missingPassed, missingReport) = await KubernetesModelsValidator.ValidateAsync(missingSelector);
        var (wrongPassed, wrongReport) = await KubernetesModelsValidator.ValidateAsync(wrongType);

        Assert.False(missingPassed, missingReport);
        Assert.Contains("invalid Deployment/ledger-multicloud: data/spec must have required property selector", missingReport, StringComparison.Ordinal);
        // Why both validators run: the strict parse does not see a missing required field.
        Assert.NotEmpty(KubernetesYaml.LoadAllFromString(missingSelector, strict: true));
        Assert.False(wrongPassed, wrongReport);
        Assert.Contains("replicas must be integer", wrongReport, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_misspelled_field_fails_the_strict_parse_though_kubernetes_models_lets_it_through()
    {
        var yaml = await Helm.TemplateAsync(RegionRelease.A);
        var misspelled = yaml.Replace("readinessProbe:", "readinesProbe:", StringComparison.Ordinal);
        Assert.NotEqual(yaml, misspelled);

        var error = Assert.ThrowsAny<Exception>(() => KubernetesYaml.LoadAllFromString(misspelled, strict: true));
        var (passed, report) = await KubernetesModelsValidator.ValidateAsync(misspelled);

        Assert.Contains("readinesProbe", error.ToString(), StringComparison.Ordinal);
        // Why both validators run: this one does not see unknown fields.
        Assert.True(passed, report);
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_kind_without_a_model_is_not_passed_by_the_kubernetes_models_validator()
    {
        var (passed, report) = await KubernetesModelsValidator.ValidateAsync("apiVersion: example.com/v1\nkind: Unknown\nmetadata:\n  name: x\n");

        Assert.False(passed, report);
        Assert.Contains("no model for apiVersion example.com/v1 kind Unknown", report, StringComparison.Ordinal);
    }
}
