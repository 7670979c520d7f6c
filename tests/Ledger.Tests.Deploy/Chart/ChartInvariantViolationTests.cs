using k8s.Models;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Chart;

/// <summary>
/// Each invariant's check fails, naming that invariant and no other, when the rendered release is changed to break it
/// (or rendered with values that break it): the checks of <see cref="ChartInvariantTests"/> can fail.
/// </summary>
public sealed class ChartInvariantViolationTests
{
    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_liveness_probe_on_the_readiness_endpoint_breaks_probes_on_served_endpoints()
        => await AssertBreaksOnlyAsync(Invariants.ProbesOnServedEndpoints, RegionRelease.A, r => r.SiloContainer.LivenessProbe.HttpGet.Path = "/health/ready");

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_readiness_probe_on_a_port_the_silo_does_not_serve_breaks_probes_on_served_endpoints()
        => await AssertBreaksOnlyAsync(Invariants.ProbesOnServedEndpoints, RegionRelease.A, r => r.SiloContainer.ReadinessProbe.HttpGet.Port = "9090");

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_silo_port_unlike_the_configured_one_breaks_probes_on_served_endpoints()
        => await AssertBreaksOnlyAsync(Invariants.ProbesOnServedEndpoints, RegionRelease.A, r => r.SiloContainer.Ports.Single(p => p.Name == "silo").ContainerPort = 11112);

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_grace_period_no_longer_than_the_graceful_stop_breaks_the_graceful_shutdown_window()
        => await AssertBreaksOnlyAsync(Invariants.GracefulShutdownWindow, RegionRelease.A, r => r.Silos.Spec.Template.Spec.TerminationGracePeriodSeconds = 35);

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_shell_preStop_hook_breaks_the_graceful_shutdown_window()
        => await AssertBreaksOnlyAsync(Invariants.GracefulShutdownWindow, RegionRelease.A, r => r.SiloContainer.Lifecycle.PreStop = new V1LifecycleHandler { Exec = new V1ExecAction { Command = ["/bin/sh", "-c", "sleep 5"] } });

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_literal_silo_name_breaks_the_silo_identity()
        => await AssertBreaksOnlyAsync(Invariants.SiloIdentityAndProfile, RegionRelease.A, r =>
        {
            var name = r.SiloContainer.Env.Single(e => e.Name == "Cluster__SiloName");
            (name.ValueFrom, name.Value) = (null, "silo-0");
        });

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_fixed_advertised_address_on_two_silos_breaks_the_silo_identity()
        => await AssertBreaksOnlyAsync(Invariants.SiloIdentityAndProfile, RegionRelease.A, r =>
        {
            var address = r.SiloContainer.Env.Single(e => e.Name == "Cluster__AdvertisedAddress");
            (address.ValueFrom, address.Value) = (null, "198.18.0.10");
        });

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task Another_profile_breaks_the_silo_identity_and_profile()
        => await AssertBreaksOnlyAsync(Invariants.SiloIdentityAndProfile, RegionRelease.B, r => r.SiloContainer.Env.Single(e => e.Name == "Profile").Value = "single-region");

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task An_image_by_tag_breaks_image_by_digest()
        => await AssertBreaksOnlyAsync(Invariants.ImageByDigest, RegionRelease.B, r => r.SiloContainer.Image = "europe-west1-docker.pkg.dev/multicloud-ledger/multicloud/silo:latest");

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_root_user_breaks_non_root()
        => await AssertBreaksOnlyAsync(Invariants.NonRoot, RegionRelease.A, r => r.SiloContainer.SecurityContext.RunAsUser = 0);

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_migration_pod_allowed_to_run_as_root_breaks_non_root()
        => await AssertBreaksOnlyAsync(Invariants.NonRoot, RegionRelease.A, r =>
        {
            r.Migration!.Spec.Template.Spec.SecurityContext.RunAsNonRoot = null;
            r.Migration.Spec.Template.Spec.Containers[0].SecurityContext.RunAsNonRoot = false;
        });

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_writable_root_filesystem_breaks_read_only_root()
        => await AssertBreaksOnlyAsync(Invariants.ReadOnlyRoot, RegionRelease.A, r => r.SiloContainer.SecurityContext.ReadOnlyRootFilesystem = false);

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task No_emptyDir_on_tmp_breaks_read_only_root()
        => await AssertBreaksOnlyAsync(Invariants.ReadOnlyRoot, RegionRelease.A, r => r.SiloContainer.VolumeMounts.Clear());

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task Privilege_escalation_allowed_breaks_no_privilege_escalation()
        => await AssertBreaksOnlyAsync(Invariants.NoPrivilegeEscalation, RegionRelease.A, r => r.SiloContainer.SecurityContext.AllowPrivilegeEscalation = true);

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task An_added_capability_breaks_no_privilege_escalation()
        => await AssertBreaksOnlyAsync(Invariants.NoPrivilegeEscalation, RegionRelease.A, r => r.SiloContainer.SecurityContext.Capabilities.Add = ["NET_ADMIN"]);

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task No_memory_limit_breaks_resources()
        => await AssertBreaksOnlyAsync(Invariants.Resources, RegionRelease.A, r => r.SiloContainer.Resources.Limits.Remove("memory"));

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task No_pod_anti_affinity_breaks_anti_affinity_and_zone_spread()
        => await AssertBreaksOnlyAsync(Invariants.AntiAffinityAndZoneSpread, RegionRelease.A, r => r.Silos.Spec.Template.Spec.Affinity = null);

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task No_zone_spread_breaks_anti_affinity_and_zone_spread()
        => await AssertBreaksOnlyAsync(Invariants.AntiAffinityAndZoneSpread, RegionRelease.A, r => r.Silos.Spec.Template.Spec.TopologySpreadConstraints.Clear());

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task No_pod_disruption_budget_breaks_the_pod_disruption_budget()
        => await AssertBreaksOnlyAsync(Invariants.PodDisruptionBudget, RegionRelease.A, r => r.Objects.RemoveAll(o => o is V1PodDisruptionBudget));

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_budget_allowing_no_disruption_breaks_the_pod_disruption_budget()
        => await AssertBreaksOnlyAsync(Invariants.PodDisruptionBudget, RegionRelease.A, r => r.All<V1PodDisruptionBudget>().Single().Spec.MinAvailable = "2");

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_password_in_the_connection_string_literal_breaks_no_secret_literals()
        => await AssertBreaksOnlyAsync(Invariants.NoSecretLiterals, RegionRelease.B, r => r.SiloContainer.Env.Single(e => e.Name == "Database__ConnectionString").Value = "Host=haproxy-b;Port=5000;Database=ledger;Username=ledger;Password=hunter2");

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_credential_in_a_config_map_breaks_no_secret_literals()
        => await AssertBreaksOnlyAsync(Invariants.NoSecretLiterals, RegionRelease.B, r => r.Objects.Add(new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = new V1ObjectMeta { Name = "ledger-settings" },
            Data = new Dictionary<string, string> { ["Database__ConnectionString"] = "Host=haproxy-b;Password=hunter2" },
        }));

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_mounted_api_token_without_kubernetes_hosting_breaks_the_service_account_token_rule()
        => await AssertBreaksOnlyAsync(Invariants.ServiceAccountToken, RegionRelease.A, r => r.Silos.Spec.Template.Spec.AutomountServiceAccountToken = true);

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_migration_job_in_region_b_breaks_migration_only_in_primary_region()
        => await AssertRenderingBreaksOnlyAsync(Invariants.MigrationOnlyInPrimaryRegion, RegionRelease.B, "migration.enabled=true");

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task No_migration_job_in_region_a_breaks_migration_only_in_primary_region()
        => await AssertBreaksOnlyAsync(Invariants.MigrationOnlyInPrimaryRegion, RegionRelease.A, r => r.Objects.RemoveAll(o => o is V1Job));

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task A_migration_job_that_is_no_pre_install_hook_breaks_migration_only_in_primary_region()
        => await AssertBreaksOnlyAsync(Invariants.MigrationOnlyInPrimaryRegion, RegionRelease.A, r => r.Migration!.Metadata.Annotations.Remove("helm.sh/hook"));

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task No_api_policy_breaks_network_policies()
        => await AssertBreaksOnlyAsync(Invariants.NetworkPolicies, RegionRelease.A, r => r.Objects.RemoveAll(o => o is V1NetworkPolicy p && p.Metadata.Name.EndsWith("-api-from-ingress", StringComparison.Ordinal)));

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task Silo_ports_open_to_everyone_break_network_policies()
        => await AssertBreaksOnlyAsync(Invariants.NetworkPolicies, RegionRelease.A, r =>
            r.All<V1NetworkPolicy>().Single(p => p.Metadata.Name.EndsWith("-silo-from-silos", StringComparison.Ordinal)).Spec.Ingress[0].FromProperty = null);

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task No_other_region_silo_addresses_break_network_policies()
        => await AssertRenderingBreaksOnlyAsync(Invariants.NetworkPolicies, RegionRelease.A, "--set-json=networkPolicy.otherRegionSiloCidrs=[]");

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task Egress_open_to_everyone_breaks_network_policies()
        => await AssertBreaksOnlyAsync(Invariants.NetworkPolicies, RegionRelease.B, r =>
            r.All<V1NetworkPolicy>().Single(p => p.Metadata.Name.EndsWith("-egress", StringComparison.Ordinal)).Spec.Egress.Add(new V1NetworkPolicyEgressRule()));

    /// <summary>Renders the region, applies <paramref name="breakIt"/>, and asserts that the checks report <paramref name="invariant"/> and only it.</summary>
    private static async Task AssertBreaksOnlyAsync(string invariant, RegionRelease region, Action<RenderedRelease> breakIt)
    {
        var release = await RenderedRelease.RenderAsync(region);
        Assert.Empty(await SiloHostShutdown.ViolationsAsync(release, region));

        breakIt(release);

        AssertOnly(invariant, await SiloHostShutdown.ViolationsAsync(release, region));
    }

    /// <summary>Renders the region with <paramref name="sets"/> and asserts that the checks report <paramref name="invariant"/> and only it.</summary>
    private static async Task AssertRenderingBreaksOnlyAsync(string invariant, RegionRelease region, params string[] sets)
        => AssertOnly(invariant, await SiloHostShutdown.ViolationsAsync(await RenderedRelease.RenderAsync(region, sets), region));

    private static void AssertOnly(string invariant, IReadOnlyList<Violation> violations)
    {
        Assert.NotEmpty(violations);
        Assert.All(violations, v => Assert.True(v.Invariant == invariant, $"expected only {invariant}, got: {string.Join("; ", violations)}"));
    }
}
