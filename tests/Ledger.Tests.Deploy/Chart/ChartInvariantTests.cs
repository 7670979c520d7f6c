using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Chart;

/// <summary>Both regions' releases, as rendered from their values files, hold every invariant.</summary>
public sealed class ChartInvariantTests
{
    [Theory(Timeout = TestTimeouts.Processes)]
    [InlineData("a")]
    [InlineData("b")]
    public async Task Each_region_holds_every_invariant(string name)
    {
        var region = RegionRelease.Named(name);

        var violations = await SiloHostShutdown.ViolationsAsync(await RenderedRelease.RenderAsync(region), region);

        Assert.Empty(violations);
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task With_kubernetes_hosting_on_in_a_single_kubernetes_cluster_the_token_is_mounted_with_its_role_and_every_invariant_holds()
    {
        var release = await RenderedRelease.RenderAsync(RegionRelease.A, RegionRelease.KubernetesHostingAlone);

        Assert.Empty(await SiloHostShutdown.ViolationsAsync(release, RegionRelease.AAloneWithKubernetesHosting));
        Assert.True(release.Silos.Spec.Template.Spec.AutomountServiceAccountToken);
        Assert.Single(release.All<k8s.Models.V1Role>());
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task The_silos_grace_period_exceeds_the_real_hosts_shutdown_timeout_plus_the_preStop_sleep()
    {
        var timeout = await SiloHostShutdown.TimeoutAsync();
        var release = await RenderedRelease.RenderAsync(RegionRelease.A);

        // The numbers values.yaml states: .NET's default 30 s (the silo does not set it), 5 s preStop, 45 s grace.
        Assert.Equal(TimeSpan.FromSeconds(30), timeout);
        Assert.Equal(5, release.SiloContainer.Lifecycle.PreStop.Sleep.Seconds);
        Assert.Equal(45, release.Silos.Spec.Template.Spec.TerminationGracePeriodSeconds);
    }
}
