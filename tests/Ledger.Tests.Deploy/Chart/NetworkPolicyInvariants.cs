using System.Text.RegularExpressions;
using k8s.Models;

namespace MultiCloud.Tests.Chart;

/// <summary>
/// NetworkPolicies: the API port only from the ingress controller, the silo and gateway ports only from the silos of
/// both regions (this one's by pod labels, the other's by ipBlock), egress only to DNS, PostgreSQL and the silos.
/// </summary>
public static class NetworkPolicyInvariants
{
    /// <summary>The violations of the release's policies.</summary>
    public static IEnumerable<Violation> Check(RenderedRelease release, RegionRelease region)
    {
        const string name = Invariants.NetworkPolicies;
        var silos = release.All<V1Deployment>().SingleOrDefault();
        if (silos is null)
        {
            yield break;
        }

        var pod = silos.Spec.Template;
        var container = pod.Spec.Containers.Single(c => c.Name == "silo");
        var policies = release.All<V1NetworkPolicy>().Where(p => Labels.Selects(p.Spec.PodSelector, pod.Metadata.Labels)).ToList();
        var ingress = policies.Where(p => p.Spec.PolicyTypes?.Contains("Ingress") == true).SelectMany(p => p.Spec.Ingress ?? []).ToList();
        var egressPolicies = policies.Where(p => p.Spec.PolicyTypes?.Contains("Egress") == true).ToList();

        // The API port: at least one rule, and every rule that opens it names the ingress controller's namespace.
        var api = ingress.Where(r => Opens(r.Ports, container, "http")).ToList();
        if (api.Count == 0 || api.Any(r => r.FromProperty is not { Count: > 0 } from || from.Any(p => p.NamespaceSelector?.MatchLabels?.ContainsKey("kubernetes.io/metadata.name") != true || p.IpBlock is not null)))
        {
            yield return new Violation(name, "the API port is not open to the ingress controller's namespace only");
        }

        // Silo and gateway ports: from this region's silos and exactly the other region's addresses.
        foreach (var port in new[] { "silo", "gateway" })
        {
            var rules = ingress.Where(r => Opens(r.Ports, container, port)).ToList();
            var peers = rules.SelectMany(r => r.FromProperty ?? []).ToList();
            var cidrs = peers.Where(p => p.IpBlock is not null).Select(p => p.IpBlock.Cidr).Order(StringComparer.Ordinal).ToList();
            if (rules.Count == 0 || rules.Any(r => r.FromProperty is not { Count: > 0 })
                || !peers.Any(p => p.IpBlock is null && p.NamespaceSelector is null && Labels.Selects(p.PodSelector, pod.Metadata.Labels))
                || peers.Any(p => p.IpBlock is null && !Labels.Selects(p.PodSelector, pod.Metadata.Labels))
                || !cidrs.SequenceEqual(region.OtherRegionSiloCidrs.Order(StringComparer.Ordinal)))
            {
                yield return new Violation(name, $"the {port} port is not open to exactly the silos of both regions (this one's by labels, ipBlocks {string.Join(", ", region.OtherRegionSiloCidrs)}); ipBlocks: {string.Join(", ", cidrs)}");
            }
        }

        // Egress: only to listed peers (no rule without "to"), PostgreSQL on the database port, the other region's silos.
        var egress = egressPolicies.SelectMany(p => p.Spec.Egress ?? []).ToList();
        if (egressPolicies.Count == 0 || egress.Any(r => r.To is not { Count: > 0 }))
        {
            yield return new Violation(name, "the silos' egress is not restricted to listed destinations");
        }

        var databasePort = Regex.Match(SiloPodInvariants.Literal(container, "Database__ConnectionString") ?? "", @"Port=([0-9]+);").Groups[1].Value;
        if (databasePort.Length == 0 || !egress.Any(r => r.To is { Count: > 0 } && r.Ports?.Any(p => p.Port?.Value == databasePort) == true))
        {
            yield return new Violation(name, $"no egress rule lets the silos reach PostgreSQL on the connection string's port ({databasePort})");
        }

        var otherRegion = egress.SelectMany(r => r.To ?? []).Where(p => p.IpBlock is not null).Select(p => p.IpBlock.Cidr).ToHashSet();
        if (!region.OtherRegionSiloCidrs.All(otherRegion.Contains))
        {
            yield return new Violation(name, "the silos cannot reach the other region's silos (egress ipBlocks)");
        }

        if (release.Migration is { } job && !release.All<V1NetworkPolicy>().Any(p => p.Spec.PolicyTypes?.Contains("Egress") == true && Labels.Selects(p.Spec.PodSelector, job.Spec.Template.Metadata.Labels)))
        {
            yield return new Violation(name, "no egress policy covers the migration Job's pods");
        }
    }

    private static bool Opens(IList<V1NetworkPolicyPort>? ports, V1Container container, string portName)
    {
        var number = container.Ports?.SingleOrDefault(p => p.Name == portName)?.ContainerPort;
        return ports is null or { Count: 0 } || ports.Any(p => p.Port?.Value == portName || (number is not null && p.Port?.Value == number.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }
}
