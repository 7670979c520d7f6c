namespace MultiCloud.Tests.Chart;

/// <summary>One region's release of the chart: its values file and what the rendered objects must show for it.</summary>
/// <param name="Region">Regions:Region.</param>
/// <param name="ValuesFile">The values file in helm/multicloud.</param>
/// <param name="RunsMigration">Whether the region holds the primary and so runs the migration Job.</param>
/// <param name="OtherRegionSiloCidrs">The other region's silo addresses, allowed in by ipBlock.</param>
public sealed record RegionRelease(string Region, string ValuesFile, bool RunsMigration, IReadOnlyList<string> OtherRegionSiloCidrs)
{
    /// <summary>Region a (AWS): holds the primary.</summary>
    public static RegionRelease A { get; } = new("a", "values-aws-region-a.yaml", RunsMigration: true, ["10.20.0.0/16"]);

    /// <summary>Region b (GCP): holds the synchronous standby.</summary>
    public static RegionRelease B { get; } = new("b", "values-gcp-region-b.yaml", RunsMigration: false, ["10.10.0.0/16"]);

    /// <summary>
    /// Region a rendered as a cluster inside one Kubernetes cluster (no other region's silos) with Kubernetes hosting on:
    /// the chart refuses the hosting next to another region's silos.
    /// </summary>
    public static RegionRelease AAloneWithKubernetesHosting { get; } = A with { OtherRegionSiloCidrs = [] };

    /// <summary>The <c>--set</c> values that render <see cref="AAloneWithKubernetesHosting"/> from region a's values file.</summary>
    public static string[] KubernetesHostingAlone { get; } =
        ["--set-json=networkPolicy.otherRegionSiloCidrs=[]", "kubernetesHosting.enabled=true", "kubernetesHosting.apiServerCidrs={198.18.0.1/32}"];

    /// <summary>The release of <paramref name="region"/> ("a" or "b": theories pass the name).</summary>
    public static RegionRelease Named(string region) => region switch
    {
        "a" => A,
        "b" => B,
        _ => throw new ArgumentOutOfRangeException(nameof(region), region, "a or b"),
    };
}
