using System.Net;
using k8s.Models;
using MultiCloud.ServiceDefaults;

namespace MultiCloud.Tests.Chart;

/// <summary>The silos' pod: probes on what the code serves, a grace period that fits the graceful stop, identity, placement.</summary>
public static class SiloPodInvariants
{
    /// <summary>The violations in the silos' Deployment.</summary>
    public static IEnumerable<Violation> Check(RenderedRelease release, RegionRelease region, TimeSpan hostShutdownTimeout)
    {
        var silos = release.All<V1Deployment>().SingleOrDefault();
        if (silos is null)
        {
            yield return new Violation(Invariants.SiloIdentityAndProfile, "no silo Deployment rendered");
            yield break;
        }

        var container = silos.Spec.Template.Spec.Containers.Single(c => c.Name == "silo");
        foreach (var violation in Probes(container))
        {
            yield return violation;
        }

        foreach (var violation in Shutdown(silos.Spec.Template.Spec, container, hostShutdownTimeout))
        {
            yield return violation;
        }

        foreach (var violation in Identity(silos, container, region))
        {
            yield return violation;
        }

        foreach (var violation in Placement(silos))
        {
            yield return violation;
        }
    }

    /// <summary>The literal value of the container's environment variable <paramref name="name"/> (null when unset or a reference).</summary>
    public static string? Literal(V1Container container, string name) => container.Env?.SingleOrDefault(e => e.Name == name)?.Value;

    private static IEnumerable<Violation> Probes(V1Container container)
    {
        const string name = Invariants.ProbesOnServedEndpoints;
        var urls = Literal(container, "Urls");
        if (urls is null || !Uri.TryCreate(urls, UriKind.Absolute, out var uri))
        {
            yield return new Violation(name, $"the silo's Urls is not one literal URL ({urls ?? "unset"}): the port it serves HTTP on is unknown");
            yield break;
        }

        var probes = new (string Kind, V1Probe? Probe, string Path)[]
        {
            ("liveness", container.LivenessProbe, HealthEndpoints.LivePath),
            ("readiness", container.ReadinessProbe, HealthEndpoints.ReadyPath),
            ("startup", container.StartupProbe, HealthEndpoints.LivePath),
        };
        foreach (var (kind, probe, path) in probes)
        {
            if (probe?.HttpGet is not { } get)
            {
                yield return new Violation(name, $"no {kind} probe on HTTP");
                continue;
            }

            if (get.Path != path)
            {
                yield return new Violation(name, $"the {kind} probe asks {get.Path}; the silo serves {kind} at {path}");
            }

            var port = ContainerPort(container, get.Port?.Value);
            if (port != uri.Port)
            {
                yield return new Violation(name, $"the {kind} probe's port {get.Port?.Value} is {port?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no container port"}; the silo serves HTTP on {uri.Port} (Urls={urls})");
            }
        }

        var defaults = new ClusterHostingOptions();
        foreach (var (portName, key, fallback) in new[] { ("silo", "Cluster__SiloPort", defaults.SiloPort), ("gateway", "Cluster__GatewayPort", defaults.GatewayPort) })
        {
            var configured = int.TryParse(Literal(container, key), out var value) ? value : fallback;
            if (ContainerPort(container, portName) != configured)
            {
                yield return new Violation(name, $"container port '{portName}' is not the {portName} port the silo listens on ({key}={configured})");
            }
        }
    }

    private static int? ContainerPort(V1Container container, string? port)
        => int.TryParse(port, out var number) ? number : container.Ports?.SingleOrDefault(p => p.Name == port)?.ContainerPort;

    private static IEnumerable<Violation> Shutdown(V1PodSpec pod, V1Container container, TimeSpan hostShutdownTimeout)
    {
        const string name = Invariants.GracefulShutdownWindow;
        if (container.Lifecycle?.PreStop?.Exec is not null)
        {
            yield return new Violation(name, "the preStop hook execs a command; the image need not have a shell: use the sleep action");
        }

        var preStop = container.Lifecycle?.PreStop?.Sleep?.Seconds ?? 0;
        var needed = preStop + hostShutdownTimeout.TotalSeconds;
        if (pod.TerminationGracePeriodSeconds is not { } grace || grace <= needed)
        {
            yield return new Violation(name, $"terminationGracePeriodSeconds {pod.TerminationGracePeriodSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unset (30)"} does not exceed the preStop sleep ({preStop} s) plus the host's ShutdownTimeout ({hostShutdownTimeout.TotalSeconds} s)");
        }
    }

    private static IEnumerable<Violation> Identity(V1Deployment silos, V1Container container, RegionRelease region)
    {
        const string name = Invariants.SiloIdentityAndProfile;
        if (Literal(container, "Profile") != "two-region")
        {
            yield return new Violation(name, $"Profile is {Literal(container, "Profile") ?? "unset"}, not the shipped two-region profile");
        }

        if (Literal(container, "Regions__Region") != region.Region)
        {
            yield return new Violation(name, $"Regions__Region is {Literal(container, "Regions__Region") ?? "unset"}, not {region.Region}");
        }

        if (FieldRef(container, "Cluster__SiloName") != "metadata.name")
        {
            yield return new Violation(name, "Cluster__SiloName is not the pod's name (downward API metadata.name)");
        }

        var advertised = container.Env?.SingleOrDefault(e => e.Name == "Cluster__AdvertisedAddress");
        var fixedForOneSilo = advertised?.Value is { } literal && IPAddress.TryParse(literal, out _) && silos.Spec.Replicas == 1;
        if (FieldRef(container, "Cluster__AdvertisedAddress") != "status.podIP" && !fixedForOneSilo)
        {
            yield return new Violation(name, "Cluster__AdvertisedAddress is neither the pod's IP (downward API status.podIP) nor a fixed IP of a single silo");
        }
    }

    private static string? FieldRef(V1Container container, string name) => container.Env?.SingleOrDefault(e => e.Name == name)?.ValueFrom?.FieldRef?.FieldPath;

    private static IEnumerable<Violation> Placement(V1Deployment silos)
    {
        const string name = Invariants.AntiAffinityAndZoneSpread;
        var pod = silos.Spec.Template;
        var antiAffinity = pod.Spec.Affinity?.PodAntiAffinity;
        var terms = (antiAffinity?.RequiredDuringSchedulingIgnoredDuringExecution ?? [])
            .Concat((antiAffinity?.PreferredDuringSchedulingIgnoredDuringExecution ?? []).Select(p => p.PodAffinityTerm));
        if (!terms.Any(t => t.TopologyKey == "kubernetes.io/hostname" && Labels.Selects(t.LabelSelector, pod.Metadata.Labels)))
        {
            yield return new Violation(name, "no pod anti-affinity on kubernetes.io/hostname selecting the silos");
        }

        if (!(pod.Spec.TopologySpreadConstraints ?? []).Any(c => c.TopologyKey == "topology.kubernetes.io/zone" && Labels.Selects(c.LabelSelector, pod.Metadata.Labels)))
        {
            yield return new Violation(name, "no topology spread over topology.kubernetes.io/zone selecting the silos");
        }
    }
}
