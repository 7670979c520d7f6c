using Microsoft.Extensions.DependencyInjection;
using MultiCloud.Silo.Hosting;
using MultiCloud.Tests.Infrastructure;
using Xunit;

namespace MultiCloud.Tests.Chart;

/// <summary>The chart's kubernetesHosting switch reaches the silo: Cluster__KubernetesHosting turns on Orleans's Kubernetes hosting.</summary>
public sealed class KubernetesHostingTests
{
    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task The_setting_the_chart_renders_with_kubernetes_hosting_on_adds_orleans_kubernetes_hosting_to_the_silo()
    {
        var release = await RenderedRelease.RenderAsync(RegionRelease.A, RegionRelease.KubernetesHostingAlone);
        var setting = SiloPodInvariants.Literal(release.SiloContainer, "Cluster__KubernetesHosting");
        Assert.Equal("true", setting);

        Assert.True(await RegistersKubernetesHostingAsync($"--Cluster:KubernetesHosting={setting}"));
    }

    [Fact(Timeout = TestTimeouts.Processes)]
    public async Task By_default_neither_the_chart_nor_the_silo_uses_kubernetes_hosting()
    {
        var release = await RenderedRelease.RenderAsync(RegionRelease.A);

        Assert.Null(release.SiloContainer.Env.SingleOrDefault(e => e.Name == "Cluster__KubernetesHosting"));
        Assert.False(await RegistersKubernetesHostingAsync());
    }

    /// <summary>
    /// Builds (never starts) the silo host and looks for the services UseKubernetesHosting adds: its cluster agent and
    /// options (the assembly's serialization metadata is registered either way, so the assembly alone proves nothing).
    /// </summary>
    private static async Task<bool> RegistersKubernetesHostingAsync(params string[] args)
    {
        IServiceCollection? services = null;
        await using var app = LedgerSiloHost.Build(args, builder => services = builder.Services);
        string[] added = ["KubernetesClusterAgent", "ConfigureKubernetesHostingOptions", "KubernetesHostingOptionsValidator"];
        return services!.Any(d => new[] { d.ServiceType, d.ImplementationType, d.ImplementationInstance?.GetType() }
            .Any(t => t?.Assembly.GetName().Name == "Orleans.Hosting.Kubernetes" && added.Contains(t.Name)));
    }
}
