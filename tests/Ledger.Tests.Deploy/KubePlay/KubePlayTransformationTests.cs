using System.Text.Json.Nodes;
using MultiCloud.Tests.Chart;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.KubePlay;

/// <summary>
/// Each of <see cref="KubePlayTransformations"/> on region a's release as the real helm renders it: the object tree
/// before and after differs at exactly the paths the transformation is meant to change (<see cref="TreeDiff"/>), its
/// input is left as it was, and where it does not apply it changes nothing or refuses.
/// </summary>
public sealed class KubePlayTransformationTests
{
    private const string Address = "198.19.77.11";
    private const string SecretName = "ledger-database";
    private const string Credentials = "Username=ledger;Password=secret1";
    private const string ContainerPath = "/spec/template/spec/containers/0";

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task Run_job_as_pod_makes_a_pod_of_the_jobs_name_whose_template_is_unchanged()
    {
        var job = (await RenderAsync()).Single(o => o.Kind() == "Job");
        var before = job.Copy();

        var pod = KubePlayTransformations.RunJobAsPod(job);

        Assert.Empty(TreeDiff.Paths(before, job));
        Assert.Equal(["apiVersion", "kind", "metadata", "spec"], pod.Select(m => m.Key));
        Assert.Equal(("v1", "Pod", job.Name()), ((string?)pod["apiVersion"], pod.Kind(), pod.Name()));
        var podAsTemplate = new JsonObject { ["metadata"] = pod["metadata"]!.DeepClone(), ["spec"] = pod["spec"]!.DeepClone() };
        podAsTemplate["metadata"]!.AsObject().Remove("name");
        Assert.Empty(TreeDiff.Paths(job["spec"]!["template"], podAsTemplate));
        Assert.Equal("Never", (string?)pod["spec"]!["restartPolicy"]);
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task Run_job_as_pod_refuses_a_job_of_several_pods_one_that_restarts_and_what_is_not_a_job()
    {
        var rendered = await RenderAsync();
        var job = rendered.Single(o => o.Kind() == "Job");
        var parallel = job.Copy();
        parallel["spec"]!["parallelism"] = 2;
        var completions = job.Copy();
        completions["spec"]!["completions"] = 3;
        var restarting = job.Copy();
        restarting["spec"]!["template"]!["spec"]!["restartPolicy"] = "OnFailure";

        Assert.Contains("parallelism 2", Assert.Throws<ArgumentException>(() => KubePlayTransformations.RunJobAsPod(parallel)).Message, StringComparison.Ordinal);
        Assert.Contains("completions 3", Assert.Throws<ArgumentException>(() => KubePlayTransformations.RunJobAsPod(completions)).Message, StringComparison.Ordinal);
        Assert.Contains("restartPolicy OnFailure", Assert.Throws<ArgumentException>(() => KubePlayTransformations.RunJobAsPod(restarting)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => KubePlayTransformations.RunJobAsPod(rendered.Single(o => o.Kind() == "Deployment")));
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task One_replica_each_splits_two_replicas_into_two_deployments_differing_only_in_name_and_replicas()
    {
        var deployment = (await RenderAsync()).Single(o => o.Kind() == "Deployment");
        var before = deployment.Copy();
        Assert.Equal(2, (int)deployment["spec"]!["replicas"]!);

        var split = KubePlayTransformations.OneReplicaEach(deployment);

        Assert.Empty(TreeDiff.Paths(before, deployment));
        Assert.Equal([$"{deployment.Name()}-1", $"{deployment.Name()}-2"], split.Select(d => d.Name()));
        Assert.All(split, copy =>
        {
            Assert.Equal(["/metadata/name", "/spec/replicas"], TreeDiff.Paths(deployment, copy));
            Assert.Equal(1, (int)copy["spec"]!["replicas"]!);
        });
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task One_replica_each_leaves_a_deployment_of_one_replica_as_it_is_and_refuses_a_job()
    {
        var rendered = await RenderAsync();
        var one = rendered.Single(o => o.Kind() == "Deployment").Copy();
        one["spec"]!["replicas"] = 1;

        var split = KubePlayTransformations.OneReplicaEach(one);

        Assert.Empty(TreeDiff.Paths(one, Assert.Single(split)));
        Assert.Throws<ArgumentException>(() => KubePlayTransformations.OneReplicaEach(rendered.Single(o => o.Kind() == "Job")));
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task Pod_ip_as_literal_gives_the_advertised_address_the_pods_address_and_changes_nothing_else()
    {
        var silo = KubePlayTransformations.OneReplicaEach((await RenderAsync()).Single(o => o.Kind() == "Deployment"))[0];
        var before = silo.Copy();
        var advertised = EnvIndex(silo, "Cluster__AdvertisedAddress");

        var literal = KubePlayTransformations.PodIpAsLiteral(silo, Address);

        Assert.Empty(TreeDiff.Paths(before, silo));
        Assert.Equal([$"{ContainerPath}/env/{advertised}/valueFrom", $"{ContainerPath}/env/{advertised}/value"], TreeDiff.Paths(silo, literal));
        Assert.Equal(Address, (string?)literal.PodSpec().Containers().Single()["env"]![advertised]!["value"]);
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task Pod_ip_as_literal_replaces_every_status_pod_ip_reference_with_kubernetes_hosting_on()
    {
        var rendered = await RenderAsync(RegionRelease.KubernetesHostingAlone);
        var silo = KubePlayTransformations.OneReplicaEach(rendered.Single(o => o.Kind() == "Deployment"))[0];
        var references = new[] { "Cluster__AdvertisedAddress", "POD_IP" }.Select(name => EnvIndex(silo, name)).Order().ToList();

        var literal = KubePlayTransformations.PodIpAsLiteral(silo, Address);

        Assert.Equal(references.SelectMany(i => new[] { $"{ContainerPath}/env/{i}/valueFrom", $"{ContainerPath}/env/{i}/value" }), TreeDiff.Paths(silo, literal));
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task Pod_ip_as_literal_changes_nothing_without_a_pod_ip_reference_and_refuses_a_deployment_of_two()
    {
        var rendered = await RenderAsync();
        var migration = KubePlayTransformations.RunJobAsPod(rendered.Single(o => o.Kind() == "Job"));

        Assert.Empty(TreeDiff.Paths(migration, KubePlayTransformations.PodIpAsLiteral(migration, Address)));
        var refused = Assert.Throws<ArgumentException>(() => KubePlayTransformations.PodIpAsLiteral(rendered.Single(o => o.Kind() == "Deployment"), Address));
        Assert.Contains("2 replicas", refused.Message, StringComparison.Ordinal);
    }

    [Theory(Timeout = TestTimeouts.Processes)]
    [InlineData("Deployment")]
    [InlineData("Job")]
    public async Task Expand_variable_references_puts_the_secrets_credentials_into_the_connection_string_and_nothing_else(string kind)
    {
        var workload = (await RenderAsync()).Single(o => o.Kind() == kind);
        var before = workload.Copy();
        var connectionString = EnvIndex(workload, "Database__ConnectionString");

        var expanded = KubePlayTransformations.ExpandVariableReferences(workload, Secret);

        Assert.Empty(TreeDiff.Paths(before, workload));
        Assert.Equal([$"{ContainerPath}/env/{connectionString}/value"], TreeDiff.Paths(workload, expanded));
        Assert.Equal($"Host=haproxy-a.postgres.svc.cluster.local;Port=5000;Database=ledger;{Credentials}", (string?)expanded.PodSpec().Containers().Single()["env"]![connectionString]!["value"]);
        Assert.NotNull(expanded.PodSpec().Containers().Single()["env"]![EnvIndex(workload, "DATABASE_CREDENTIALS")]!["valueFrom"]!["secretKeyRef"]);
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public Task Expand_variable_references_follows_kubernetes_rules_for_escapes_unknown_and_later_variables()
    {
        var pod = PodWithEnv(
            ("A", new JsonObject { ["value"] = "x" }),
            ("B", new JsonObject { ["value"] = "$(A)|$$(A)|$(MISSING)|$(C)|$A|$(" }),
            ("C", new JsonObject { ["value"] = "y" }),
            ("D", new JsonObject { ["value"] = "no reference" }));

        var expanded = KubePlayTransformations.ExpandVariableReferences(pod, Secret);

        Assert.Equal(["/spec/containers/0/env/1/value"], TreeDiff.Paths(pod, expanded));
        Assert.Equal("x|$(A)|$(MISSING)|$(C)|$A|$(", (string?)expanded["spec"]!["containers"]![0]!["env"]![1]!["value"]);
        return Task.CompletedTask;
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public Task Expand_variable_references_refuses_a_reference_it_cannot_resolve_and_a_missing_secret_key()
    {
        var fromField = PodWithEnv(
            ("NAME", new JsonObject { ["valueFrom"] = new JsonObject { ["fieldRef"] = new JsonObject { ["fieldPath"] = "metadata.name" } } }),
            ("GREETING", new JsonObject { ["value"] = "hello $(NAME)" }));
        var missingKey = PodWithEnv(
            ("PASSWORD", new JsonObject { ["valueFrom"] = new JsonObject { ["secretKeyRef"] = new JsonObject { ["name"] = SecretName, ["key"] = "password" } } }),
            ("URL", new JsonObject { ["value"] = "postgres://u:$(PASSWORD)@db" }));
        var unreferenced = PodWithEnv(
            ("PASSWORD", new JsonObject { ["valueFrom"] = new JsonObject { ["secretKeyRef"] = new JsonObject { ["name"] = SecretName, ["key"] = "password" } } }));

        Assert.Contains("fieldRef", Assert.Throws<InvalidOperationException>(() => KubePlayTransformations.ExpandVariableReferences(fromField, Secret)).Message, StringComparison.Ordinal);
        Assert.Contains("key password", Assert.Throws<InvalidOperationException>(() => KubePlayTransformations.ExpandVariableReferences(missingKey, Secret)).Message, StringComparison.Ordinal);
        Assert.Empty(TreeDiff.Paths(unreferenced, KubePlayTransformations.ExpandVariableReferences(unreferenced, Secret)));
        return Task.CompletedTask;
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task Without_container_ports_removes_the_silos_ports_list_and_leaves_a_pod_without_ports_as_it_is()
    {
        var rendered = await RenderAsync();
        var silo = rendered.Single(o => o.Kind() == "Deployment");
        var before = silo.Copy();
        var migration = KubePlayTransformations.RunJobAsPod(rendered.Single(o => o.Kind() == "Job"));

        var withoutPorts = KubePlayTransformations.WithoutContainerPorts(silo);

        Assert.Empty(TreeDiff.Paths(before, silo));
        Assert.Equal([$"{ContainerPath}/ports"], TreeDiff.Paths(silo, withoutPorts));
        Assert.Empty(TreeDiff.Paths(migration, KubePlayTransformations.WithoutContainerPorts(migration)));
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task Per_pod_empty_dirs_renames_the_tmp_volume_and_its_mount_after_the_pod_kube_play_makes()
    {
        var rendered = await RenderAsync();
        var silo = KubePlayTransformations.OneReplicaEach(rendered.Single(o => o.Kind() == "Deployment"))[1];
        var migration = KubePlayTransformations.RunJobAsPod(rendered.Single(o => o.Kind() == "Job"));
        var before = silo.Copy();

        var renamedSilo = KubePlayTransformations.PerPodEmptyDirs(silo);
        var renamedMigration = KubePlayTransformations.PerPodEmptyDirs(migration);

        Assert.Empty(TreeDiff.Paths(before, silo));
        Assert.Equal([$"{ContainerPath}/volumeMounts/0/name", "/spec/template/spec/volumes/0/name"], TreeDiff.Paths(silo, renamedSilo));
        Assert.Equal($"{silo.Name()}-pod-0-tmp", (string?)renamedSilo.PodSpec()["volumes"]![0]!["name"]);
        Assert.Equal(["/spec/containers/0/volumeMounts/0/name", "/spec/volumes/0/name"], TreeDiff.Paths(migration, renamedMigration));
        Assert.Equal($"{migration.Name()}-tmp", (string?)renamedMigration.PodSpec()["volumes"]![0]!["name"]);
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task Per_pod_empty_dirs_leaves_volumes_that_are_not_empty_dirs_and_their_mounts_as_they_are()
    {
        var silo = KubePlayTransformations.OneReplicaEach((await RenderAsync()).Single(o => o.Kind() == "Deployment"))[0];
        silo.PodSpec()["volumes"]!.AsArray().Add(new JsonObject { ["name"] = "settings", ["configMap"] = new JsonObject { ["name"] = "settings" } });
        silo.PodSpec().Containers().Single()["volumeMounts"]!.AsArray().Add(new JsonObject { ["name"] = "settings", ["mountPath"] = "/settings" });

        var renamed = KubePlayTransformations.PerPodEmptyDirs(silo);

        Assert.Equal([$"{ContainerPath}/volumeMounts/0/name", "/spec/template/spec/volumes/0/name"], TreeDiff.Paths(silo, renamed));
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task The_release_for_kube_play_differs_from_the_rendered_one_only_at_the_listed_paths()
    {
        var rendered = await RenderAsync();
        var deployment = rendered.Single(o => o.Kind() == "Deployment");
        var job = rendered.Single(o => o.Kind() == "Job");
        var before = rendered.Select(o => o.Copy()).ToList();
        var (advertised, connectionString) = (EnvIndex(deployment, "Cluster__AdvertisedAddress"), EnvIndex(deployment, "Database__ConnectionString"));

        var release = KubePlayRelease.From(rendered, [Address, "198.19.77.12"], Secret);

        Assert.Empty(TreeDiff.Paths(new JsonArray([.. before]), new JsonArray([.. rendered.Select(o => o.Copy())])));
        string[] siloPaths =
        [
            "/metadata/name", "/spec/replicas",
            $"{ContainerPath}/ports",
            $"{ContainerPath}/env/{advertised}/valueFrom", $"{ContainerPath}/env/{advertised}/value",
            $"{ContainerPath}/env/{connectionString}/value",
            $"{ContainerPath}/volumeMounts/0/name", "/spec/template/spec/volumes/0/name",
        ];
        Assert.All(release.Silos, silo => Assert.Equal(siloPaths.Order(StringComparer.Ordinal), TreeDiff.Paths(deployment, silo).Order(StringComparer.Ordinal)));
        Assert.Equal(
            [$"/spec/containers/0/env/{EnvIndex(job, "Database__ConnectionString")}/value", "/spec/containers/0/volumeMounts/0/name", "/spec/volumes/0/name"],
            TreeDiff.Paths(KubePlayTransformations.RunJobAsPod(job), release.Migration));
        Assert.Equal((int)job["spec"]!["backoffLimit"]!, release.MigrationBackoffLimit);
        var ignored = rendered.Where(o => o.Kind() is not ("Job" or "Deployment")).ToList();
        Assert.Empty(TreeDiff.Paths(new JsonArray([.. ignored.Select(o => o.Copy())]), new JsonArray([.. release.Rest.Select(o => o.Copy())])));
        Assert.Equal(["Deployment", "Deployment"], release.SiloPlay.Take(2).Select(o => o.Kind()));
        Assert.All(release.SiloPlay.Skip(2), o => Assert.Contains(o.Kind(), KubePlayRelease.IgnoredKinds));
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task The_release_for_kube_play_refuses_a_kind_kube_play_would_not_ignore_and_a_wrong_address_count()
    {
        var rendered = await RenderAsync();
        var withConfigMap = rendered.Append(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = new JsonObject { ["name"] = "extra" } }).ToList();

        Assert.Contains("ConfigMap/extra", Assert.Throws<InvalidOperationException>(() => KubePlayRelease.From(withConfigMap, [Address, "198.19.77.12"], Secret)).Message, StringComparison.Ordinal);
        Assert.Contains("runs 2 silos; 3 addresses", Assert.Throws<InvalidOperationException>(() => KubePlayRelease.From(rendered, [Address, "198.19.77.12", "198.19.77.13"], Secret)).Message, StringComparison.Ordinal);
    }

    private static string? Secret(string name, string key) => name == SecretName && key == "credentials" ? Credentials : null;

    private static async Task<List<JsonObject>> RenderAsync(params string[] sets) => Manifests.Parse(await Helm.TemplateAsync(RegionRelease.A, sets));

    private static int EnvIndex(JsonObject workload, string name)
        => workload.PodSpec().Containers().Single()["env"]!.AsArray().Select((e, i) => ((string?)e!["name"], i)).Single(e => e.Item1 == name).i;

    private static JsonObject PodWithEnv(params (string Name, JsonObject Source)[] env) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["name"] = "p" },
        ["spec"] = new JsonObject
        {
            ["containers"] = new JsonArray(new JsonObject
            {
                ["name"] = "c",
                ["env"] = new JsonArray([.. env.Select(e => (JsonNode)new JsonObject([new("name", e.Name), .. e.Source.Select(m => KeyValuePair.Create(m.Key, m.Value?.DeepClone()))]))]),
            }),
        },
    };
}
