using System.Text.Json.Nodes;

namespace MultiCloud.Tests.KubePlay;

/// <summary>
/// A rendered release made ready for <c>podman kube play</c> by <see cref="KubePlayTransformations"/>, in two plays:
/// the migration (the Job's pod, alone, awaited) and then the rest of the release (the silos, one Deployment per pod,
/// with every object kube play ignores left as rendered).
/// </summary>
public sealed class KubePlayRelease
{
    /// <summary>The kinds kube play 4.3 ignores: they go to it as rendered (it says nothing of them).</summary>
    public static IReadOnlySet<string> IgnoredKinds { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "Service", "ServiceAccount", "PodDisruptionBudget", "NetworkPolicy", "Ingress", "Role", "RoleBinding",
    };

    private KubePlayRelease(JsonObject migration, int migrationBackoffLimit, IReadOnlyList<JsonObject> silos, IReadOnlyList<JsonObject> rest)
    {
        Migration = migration;
        MigrationBackoffLimit = migrationBackoffLimit;
        Silos = silos;
        Rest = rest;
    }

    /// <summary>The migration Job's pod, transformed.</summary>
    public JsonObject Migration { get; }

    /// <summary>
    /// The Job's <c>backoffLimit</c> (Kubernetes's default 6 when absent): how many failed pods the Job controller replaces
    /// with new ones before the Job fails. The test does the same with the migration pod.
    /// </summary>
    public int MigrationBackoffLimit { get; }

    /// <summary>The silo Deployments, one replica each, transformed; the i-th advertises the i-th address given.</summary>
    public IReadOnlyList<JsonObject> Silos { get; }

    /// <summary>Every other rendered object (kinds kube play ignores), unchanged.</summary>
    public IReadOnlyList<JsonObject> Rest { get; }

    /// <summary>The second play: the silos, then the objects kube play ignores. Pods are made in this order (for <c>--ip</c>).</summary>
    public IEnumerable<JsonObject> SiloPlay => [.. Silos, .. Rest];

    /// <summary>
    /// Applies the transformations to one rendered release: the Job's pod (references expanded, ports and shared
    /// emptyDirs as kube play needs), and the silo Deployment split into one per address, each advertising its address.
    /// </summary>
    /// <param name="rendered">helm template's objects (<see cref="Manifests.Parse"/>).</param>
    /// <param name="siloAddresses">One static address per silo pod (as many as the Deployment's replicas).</param>
    /// <param name="secretValue">The Secret's values for <see cref="KubePlayTransformations.ExpandVariableReferences"/>.</param>
    /// <exception cref="InvalidOperationException">The release is not what this knows how to play: not one Job and one Deployment, another replica count, or a kind kube play would not ignore.</exception>
    public static KubePlayRelease From(IReadOnlyList<JsonObject> rendered, IReadOnlyList<string> siloAddresses, Func<string, string, string?> secretValue)
    {
        ArgumentNullException.ThrowIfNull(rendered);
        ArgumentNullException.ThrowIfNull(siloAddresses);
        var unknown = rendered.Where(o => o.Kind() is not ("Job" or "Deployment") && !IgnoredKinds.Contains(o.Kind())).Select(o => $"{o.Kind()}/{o.Name()}").ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException($"rendered objects this does not know how to play: {string.Join(", ", unknown)}");
        }

        var jobs = rendered.Where(o => o.Kind() == "Job").ToList();
        var deployments = rendered.Where(o => o.Kind() == "Deployment").ToList();
        if (jobs.Count != 1 || deployments.Count != 1)
        {
            throw new InvalidOperationException($"expected one Job (the migration) and one Deployment (the silos), found {jobs.Count} and {deployments.Count}");
        }

        var split = KubePlayTransformations.OneReplicaEach(deployments[0]);
        if (split.Count != siloAddresses.Count)
        {
            throw new InvalidOperationException($"Deployment/{deployments[0].Name()} runs {split.Count} silos; {siloAddresses.Count} addresses were given");
        }

        JsonObject ForKubePlay(JsonObject workload) => KubePlayTransformations.PerPodEmptyDirs(
            KubePlayTransformations.WithoutContainerPorts(KubePlayTransformations.ExpandVariableReferences(workload, secretValue)));

        return new KubePlayRelease(
            ForKubePlay(KubePlayTransformations.RunJobAsPod(jobs[0])),
            (int?)jobs[0]["spec"]?["backoffLimit"] ?? 6,
            [.. split.Select((silo, i) => ForKubePlay(KubePlayTransformations.PodIpAsLiteral(silo, siloAddresses[i])))],
            [.. rendered.Where(o => IgnoredKinds.Contains(o.Kind()))]);
    }
}
