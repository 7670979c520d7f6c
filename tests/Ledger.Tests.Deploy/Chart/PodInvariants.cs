using System.Text.RegularExpressions;

namespace MultiCloud.Tests.Chart;

/// <summary>Every pod of the release (silos and migration): image by digest, locked-down security context, resources.</summary>
public static partial class PodInvariants
{
    /// <summary>The violations in every pod template.</summary>
    public static IEnumerable<Violation> Check(RenderedRelease release)
    {
        foreach (var (owner, template) in release.PodTemplates)
        {
            var pod = template.Spec;
            foreach (var container in (pod.InitContainers ?? []).Concat(pod.Containers))
            {
                var where = $"{owner} container {container.Name}";
                if (container.Image is null || !Digest().IsMatch(container.Image))
                {
                    yield return new Violation(Invariants.ImageByDigest, $"{where}: image {container.Image} is not pinned by digest (@sha256:<64 hex>)");
                }

                var security = container.SecurityContext;
                if ((security?.RunAsNonRoot ?? pod.SecurityContext?.RunAsNonRoot) != true || (security?.RunAsUser ?? pod.SecurityContext?.RunAsUser) is null or 0)
                {
                    yield return new Violation(Invariants.NonRoot, $"{where}: runAsNonRoot is not true or the user is root/unset");
                }

                if (security?.ReadOnlyRootFilesystem != true)
                {
                    yield return new Violation(Invariants.ReadOnlyRoot, $"{where}: readOnlyRootFilesystem is not true");
                }

                if (!(container.VolumeMounts ?? []).Any(m => m.MountPath == "/tmp" && pod.Volumes?.SingleOrDefault(v => v.Name == m.Name)?.EmptyDir is not null))
                {
                    yield return new Violation(Invariants.ReadOnlyRoot, $"{where}: /tmp is not an emptyDir (the root filesystem is read-only)");
                }

                if (security?.AllowPrivilegeEscalation != false || security.Privileged == true
                    || security.Capabilities?.Drop?.Contains("ALL") != true || security.Capabilities.Add is { Count: > 0 })
                {
                    yield return new Violation(Invariants.NoPrivilegeEscalation, $"{where}: allowPrivilegeEscalation is not false, it is privileged, or not every capability is dropped");
                }

                var resources = container.Resources;
                string[] both = ["cpu", "memory"];
                if (!both.All(r => resources?.Requests?.ContainsKey(r) == true) || !both.All(r => resources?.Limits?.ContainsKey(r) == true))
                {
                    yield return new Violation(Invariants.Resources, $"{where}: cpu and memory requests and limits are not all set");
                }
            }
        }
    }

    [GeneratedRegex("@sha256:[0-9a-f]{64}$")]
    private static partial Regex Digest();
}
