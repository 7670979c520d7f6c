using k8s;
using k8s.Models;

namespace MultiCloud.Tests.Chart;

/// <summary>
/// A rendered release as typed Kubernetes objects, parsed by KubernetesClient in strict mode: an unknown (misspelled)
/// field or a wrong type fails the parse. Tests mutate these objects to break one invariant at a time.
/// </summary>
public sealed class RenderedRelease
{
    /// <summary>Parses helm's output.</summary>
    /// <exception cref="YamlDotNet.Core.YamlException">A field is unknown or has the wrong type.</exception>
    public RenderedRelease(string yaml) => Objects = KubernetesYaml.LoadAllFromString(yaml, strict: true);

    /// <summary>Every rendered object, in helm's order.</summary>
    public List<object> Objects { get; }

    /// <summary>The silos' Deployment (exactly one).</summary>
    public V1Deployment Silos => Objects.OfType<V1Deployment>().Single();

    /// <summary>The migration Job, when rendered.</summary>
    public V1Job? Migration => Objects.OfType<V1Job>().SingleOrDefault();

    /// <summary>The silo container.</summary>
    public V1Container SiloContainer => Silos.Spec.Template.Spec.Containers.Single(c => c.Name == "silo");

    /// <summary>Every pod template (the silos' and the migration Job's) with a name for messages.</summary>
    public IEnumerable<(string Owner, V1PodTemplateSpec Template)> PodTemplates =>
    [
        .. Objects.OfType<V1Deployment>().Select(d => ($"Deployment/{d.Metadata.Name}", d.Spec.Template)),
        .. Objects.OfType<V1Job>().Select(j => ($"Job/{j.Metadata.Name}", j.Spec.Template)),
    ];

    /// <summary>Objects of one kind.</summary>
    public IEnumerable<T> All<T>() => Objects.OfType<T>();

    /// <summary>Renders and parses one region's release.</summary>
    public static async Task<RenderedRelease> RenderAsync(RegionRelease region, params string[] sets)
        => new(await Helm.TemplateAsync(region, sets));
}
