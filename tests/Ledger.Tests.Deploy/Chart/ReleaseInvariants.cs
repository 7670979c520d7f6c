using System.Text.RegularExpressions;
using k8s.Models;

namespace MultiCloud.Tests.Chart;

/// <summary>The release as a whole: disruption budget, secrets by reference only, API tokens, the migration Job.</summary>
public static partial class ReleaseInvariants
{
    /// <summary>The violations of the release.</summary>
    public static IEnumerable<Violation> Check(RenderedRelease release, RegionRelease region)
        => DisruptionBudget(release).Concat(Secrets(release)).Concat(ServiceAccounts(release)).Concat(Migration(release, region));

    private static IEnumerable<Violation> DisruptionBudget(RenderedRelease release)
    {
        var silos = release.All<V1Deployment>().SingleOrDefault();
        var labels = silos?.Spec.Template.Metadata.Labels;
        var budget = release.All<V1PodDisruptionBudget>().FirstOrDefault(b => Labels.Selects(b.Spec.Selector, labels));
        if (budget is null)
        {
            yield return new Violation(Invariants.PodDisruptionBudget, "no PodDisruptionBudget selects the silos");
            yield break;
        }

        // minAvailable at least 1 (a drain never takes the last silo) and below the replicas (a drain can proceed).
        if (!int.TryParse(budget.Spec.MinAvailable?.Value, out var minAvailable) || minAvailable < 1 || minAvailable >= (silos!.Spec.Replicas ?? 1))
        {
            yield return new Violation(Invariants.PodDisruptionBudget, $"minAvailable {budget.Spec.MinAvailable?.Value ?? "unset"} is not a count from 1 to replicas - 1 ({silos!.Spec.Replicas})");
        }
    }

    private static IEnumerable<Violation> Secrets(RenderedRelease release)
    {
        const string name = Invariants.NoSecretLiterals;
        foreach (var secret in release.All<V1Secret>())
        {
            yield return new Violation(name, $"the chart renders Secret/{secret.Metadata.Name}: secrets come from an existing Secret, never from values");
        }

        foreach (var map in release.All<V1ConfigMap>())
        {
            foreach (var (key, value) in map.Data ?? new Dictionary<string, string>())
            {
                if (SecretInText().IsMatch(value) || SecretName().IsMatch(key))
                {
                    yield return new Violation(name, $"ConfigMap/{map.Metadata.Name} key {key} holds a credential");
                }
            }
        }

        foreach (var (owner, template) in release.PodTemplates)
        {
            foreach (var container in (template.Spec.InitContainers ?? []).Concat(template.Spec.Containers))
            {
                var env = container.Env ?? [];
                var fromSecrets = env.Where(e => e.ValueFrom?.SecretKeyRef is not null).Select(e => e.Name).ToHashSet();
                foreach (var variable in env.Where(e => e.Value is not null))
                {
                    if (SecretInText().IsMatch(variable.Value) || SecretName().IsMatch(variable.Name))
                    {
                        yield return new Violation(name, $"{owner} container {container.Name}: {variable.Name} is a literal credential");
                    }
                }

                var connection = env.SingleOrDefault(e => e.Name == "Database__ConnectionString");
                if (connection is not null && !(connection.ValueFrom?.SecretKeyRef is not null || References().Matches(connection.Value ?? "").Any(m => fromSecrets.Contains(m.Groups[1].Value))))
                {
                    yield return new Violation(name, $"{owner} container {container.Name}: Database__ConnectionString takes no credentials from a Secret");
                }
            }
        }
    }

    private static IEnumerable<Violation> ServiceAccounts(RenderedRelease release)
    {
        const string name = Invariants.ServiceAccountToken;
        foreach (var (owner, template) in release.PodTemplates)
        {
            var hosting = template.Spec.Containers.Any(c => SiloPodInvariants.Literal(c, "Cluster__KubernetesHosting") == "true");
            var account = release.All<V1ServiceAccount>().SingleOrDefault(a => a.Metadata.Name == template.Spec.ServiceAccountName);
            if (account is null)
            {
                yield return new Violation(name, $"{owner}: its ServiceAccount {template.Spec.ServiceAccountName ?? "(default)"} is not one of the release's");
                continue;
            }

            if (!hosting && (template.Spec.AutomountServiceAccountToken != false || account.AutomountServiceAccountToken != false))
            {
                yield return new Violation(name, $"{owner}: an API token is mounted (pod or ServiceAccount automount not false) while Kubernetes hosting is off");
            }

            if (hosting && !release.All<V1RoleBinding>().Any(b => b.Subjects?.Any(s => s.Kind == "ServiceAccount" && s.Name == account.Metadata.Name) == true))
            {
                yield return new Violation(name, $"{owner}: Kubernetes hosting is on but no RoleBinding grants {account.Metadata.Name} its pod permissions");
            }
        }
    }

    private static IEnumerable<Violation> Migration(RenderedRelease release, RegionRelease region)
    {
        const string name = Invariants.MigrationOnlyInPrimaryRegion;
        var job = release.All<V1Job>().SingleOrDefault();
        if (job is null)
        {
            if (region.RunsMigration)
            {
                yield return new Violation(name, $"region {region.Region} holds the primary but renders no migration Job");
            }

            yield break;
        }

        if (!region.RunsMigration)
        {
            yield return new Violation(name, $"region {region.Region} renders the migration Job {job.Metadata.Name}; only the primary's region runs db-init");
        }

        var annotations = job.Metadata.Annotations ?? new Dictionary<string, string>();
        var hooks = annotations.TryGetValue("helm.sh/hook", out var hook) ? hook.Split(',') : [];
        if (!hooks.Contains("pre-install") || !hooks.Contains("pre-upgrade") || !(annotations.TryGetValue("argocd.argoproj.io/hook", out var argo) && argo == "PreSync"))
        {
            yield return new Violation(name, "the migration Job is not a pre-install/pre-upgrade Helm hook and an Argo CD PreSync hook (it must run before the silos start)");
        }

        var container = job.Spec.Template.Spec.Containers.Single();
        if (container.Args is not { Count: > 0 } args || args[0] != "db-init" || container.Image != release.All<V1Deployment>().SingleOrDefault()?.Spec.Template.Spec.Containers[0].Image)
        {
            yield return new Violation(name, "the migration Job does not run the silo image's db-init verb");
        }

        var account = release.All<V1ServiceAccount>().SingleOrDefault(a => a.Metadata.Name == job.Spec.Template.Spec.ServiceAccountName);
        if (account?.Metadata.Annotations is not { } accountAnnotations || !accountAnnotations.TryGetValue("helm.sh/hook", out var accountHook) || !accountHook.Contains("pre-install", StringComparison.Ordinal))
        {
            yield return new Violation(name, "the migration Job's ServiceAccount is not itself a pre-install hook (on a first install it would not exist yet)");
        }
    }

    /// <summary>A credential written into a connection string or similar text.</summary>
    [GeneratedRegex(@"(?i)\b(password|pwd|passwd)\s*=\s*[^;$\s]")]
    private static partial Regex SecretInText();

    /// <summary>A variable or key named like a credential.</summary>
    [GeneratedRegex("(?i)(password|passwd|secret|token|credential|apikey|api_key)")]
    private static partial Regex SecretName();

    /// <summary>A Kubernetes dependent environment variable reference, $(NAME).</summary>
    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex References();
}
