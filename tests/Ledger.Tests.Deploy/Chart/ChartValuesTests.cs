using System.Text.Json.Nodes;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Chart;

/// <summary>helm lint, and values the chart refuses with a message naming what is wrong (values.schema.json and the templates).</summary>
public sealed class ChartValuesTests
{
    [Theory(Timeout = TestTimeouts.Processes)]
    [InlineData("a")]
    [InlineData("b")]
    public async Task Helm_lint_strict_passes_for_each_region(string name)
    {
        var output = await Helm.LintStrictAsync(RegionRelease.Named(name));

        Assert.Contains("1 chart(s) linted, 0 chart(s) failed", output, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task Helm_lint_strict_fails_on_values_the_schema_refuses()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Helm.LintStrictAsync(RegionRelease.A, "region=c"));

        Assert.Contains("1 chart(s) failed", error.Message, StringComparison.Ordinal);
        Assert.Contains("/region", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task Rendering_without_an_image_digest_fails_naming_the_digest()
        => await AssertRefusedAsync("image.digest is required: the silo image is deployed by digest", "image.digest=");

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task An_image_tag_in_place_of_a_digest_is_refused()
        => await AssertRefusedAsync("/image/digest", "image.digest=latest");

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_password_in_values_is_refused_as_an_unknown_key()
        => await AssertRefusedAsync("password", "database.password=hunter2");

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_misspelled_nested_key_is_refused()
        => await AssertRefusedAsync("periodSecond", "probes.liveness.periodSecond=5");

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_region_other_than_a_or_b_is_refused()
        => await AssertRefusedAsync("/region", "region=c");

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_grace_period_within_the_graceful_stop_is_refused()
        => await AssertRefusedAsync("shutdown.terminationGracePeriodSeconds (35) must exceed", "shutdown.terminationGracePeriodSeconds=35");

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_fixed_advertised_address_for_two_silos_is_refused()
        => await AssertRefusedAsync("two silos cannot advertise one address", "advertisedAddress.source=fixed", "advertisedAddress.fixedAddress=198.18.0.10");

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_fixed_advertised_address_for_one_silo_is_rendered()
    {
        var release = await RenderedRelease.RenderAsync(RegionRelease.A, "replicas=1", "podDisruptionBudget.minAvailable=1", "advertisedAddress.source=fixed", "advertisedAddress.fixedAddress=198.18.0.10");

        Assert.Equal("198.18.0.10", SiloPodInvariants.Literal(release.SiloContainer, "Cluster__AdvertisedAddress"));
    }

    [Theory(Timeout = TestTimeouts.Processes)]
    [InlineData("a")]
    [InlineData("b")]
    public async Task By_default_both_regions_join_one_cluster_and_serve_wherever_the_primary_is(string name)
    {
        var release = await RenderedRelease.RenderAsync(RegionRelease.Named(name));

        Assert.Equal("multicloud", SiloPodInvariants.Literal(release.SiloContainer, "Cluster__ClusterId"));
        Assert.DoesNotContain(release.SiloContainer.Env, e => e.Name == "Regions__ServeOnlyInPrimaryRegion");
    }

    [Theory(Timeout = TestTimeouts.Processes)]
    [InlineData("a")]
    [InlineData("b")]
    public async Task Cluster_per_region_gives_each_region_its_own_cluster_serving_only_while_it_holds_the_primary(string name)
    {
        var release = await RenderedRelease.RenderAsync(RegionRelease.Named(name), "cluster.topology=clusterPerRegion", "--set-json=networkPolicy.otherRegionSiloCidrs=[]");

        Assert.Equal($"multicloud-{name}", SiloPodInvariants.Literal(release.SiloContainer, "Cluster__ClusterId"));
        Assert.Equal("true", SiloPodInvariants.Literal(release.SiloContainer, "Regions__ServeOnlyInPrimaryRegion"));
        Assert.Equal($"multicloud-{name}", SiloPodInvariants.Literal(release.Migration?.Spec.Template.Spec.Containers.Single() ?? release.SiloContainer, "Cluster__ClusterId"));
        // No silo or gateway port is open to, or reached in, the other region.
        Assert.DoesNotContain(release.All<k8s.Models.V1NetworkPolicy>(), p =>
            (p.Spec.Ingress ?? []).Any(r => (r.FromProperty ?? []).Any(f => f.IpBlock is not null))
            || (p.Spec.Egress ?? []).Any(r => (r.To ?? []).Any(t => t.IpBlock is not null)));
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task Cluster_per_region_next_to_other_region_silo_ranges_is_refused()
        => await AssertRefusedAsync("otherRegionSiloCidrs with cluster.topology clusterPerRegion is refused", "cluster.topology=clusterPerRegion");

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task An_unknown_topology_is_refused()
        => await AssertRefusedAsync("/cluster/topology", "cluster.topology=clusterPerZone");

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task Kubernetes_hosting_next_to_another_regions_silos_is_refused()
        => await AssertRefusedAsync("each region would evict the other's silos", "kubernetesHosting.enabled=true", "kubernetesHosting.apiServerCidrs={198.18.0.1/32}");

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task Kubernetes_hosting_without_an_api_server_egress_is_refused()
        => await AssertRefusedAsync("kubernetesHosting.apiServerCidrs is required", "--set-json=networkPolicy.otherRegionSiloCidrs=[]", "kubernetesHosting.enabled=true");

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task Database_egress_without_peers_is_refused()
        => await AssertRefusedAsync("database.egressTo is required", "--set-json=database.egressTo=[]");

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task Every_object_in_values_schema_json_refuses_unknown_keys()
    {
        var schema = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(DeployTools.ChartDirectory, "values.schema.json"), TestContext.Current.CancellationToken))!;

        var open = OpenObjects(schema, "$").ToList();

        Assert.Empty(open);
        Assert.True(Count(schema) > 40, "the scan saw the schema's objects");
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task An_object_schema_without_additionalProperties_false_is_found()
    {
        var schema = JsonNode.Parse("""{ "type": "object", "additionalProperties": false, "properties": { "image": { "type": "object", "properties": { "digest": { "type": "string" } } } } }""")!;

        Assert.Equal(["$.properties.image"], OpenObjects(schema, "$"));
        return Task.CompletedTask;
    }

    /// <summary>Schema objects that declare properties but accept others (maps such as labels declare none).</summary>
    private static IEnumerable<string> OpenObjects(JsonNode node, string path)
    {
        if (node is JsonObject o)
        {
            if (o["properties"] is JsonObject && !(o["additionalProperties"] is JsonValue closed && closed.TryGetValue<bool>(out var allowed) && !allowed))
            {
                yield return path;
            }

            foreach (var (key, child) in o)
            {
                foreach (var found in child is null ? [] : OpenObjects(child, $"{path}.{key}"))
                {
                    yield return found;
                }
            }
        }
    }

    private static int Count(JsonNode? node) => node switch
    {
        JsonObject o => 1 + o.Sum(p => Count(p.Value)),
        JsonArray a => a.Sum(Count),
        _ => 0,
    };

    private static async Task AssertRefusedAsync(string expected, params string[] sets)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Helm.TemplateAsync(RegionRelease.A, sets));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
